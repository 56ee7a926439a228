/* ws2web: everything of ws2ipdef.h lives in winsock2.h / ws2tcpip.h. */
#include <ws2tcpip.h>
