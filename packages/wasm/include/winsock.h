/* ws2web: Winsock 1 programs get the Winsock 2 declarations (a superset for their calls). */
#include <winsock2.h>
