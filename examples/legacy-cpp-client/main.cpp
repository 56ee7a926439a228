// legacy-cpp-client: a Winsock client written the way C++ Windows code is: std::string and
// std::vector for the data, a class that closes its socket, getaddrinfo over every address.
//
//   legacy-cpp-client HOST PORT WORD [WORD ...]
//
// Sends each WORD as a line to a line-echo server, half-closes, reads every reply until the
// server closes, and prints the replies and a word count. Builds unmodified with
//   x86_64-w64-mingw32-g++ main.cpp -lws2_32   and   ws2web-cc main.cpp
#include <winsock2.h>
#include <ws2tcpip.h>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#pragma comment(lib, "ws2_32.lib")

namespace {

// A program-wide log, filled before and after the name lookup and printed at the end: global
// objects with constructors must be built once and live until exit.
std::vector<std::string> g_log;

void note(const std::string &line) { g_log.push_back(line); }

class Connection {
public:
    explicit Connection(SOCKET s) : socket_(s) {}
    ~Connection() {
        if (socket_ != INVALID_SOCKET) closesocket(socket_);
    }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    bool sendAll(const std::string &data) {
        size_t sent = 0;
        while (sent < data.size()) {
            int n = send(socket_, data.data() + sent, static_cast<int>(data.size() - sent), 0);
            if (n == SOCKET_ERROR) return false;
            sent += static_cast<size_t>(n);
        }
        return true;
    }

    // Everything until the peer closes; false on a receive error.
    bool receiveAll(std::string &out) {
        char buffer[512];
        for (;;) {
            int n = recv(socket_, buffer, sizeof buffer, 0);
            if (n == 0) return true;
            if (n == SOCKET_ERROR) return false;
            out.append(buffer, static_cast<size_t>(n));
        }
    }

    int finishSending() { return shutdown(socket_, SD_SEND); }

private:
    SOCKET socket_;
};

std::vector<std::string> splitLines(const std::string &text) {
    std::vector<std::string> lines;
    std::string::size_type start = 0;
    for (std::string::size_type end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
        lines.push_back(text.substr(start, end - start));
    }
    if (start < text.size()) lines.push_back(text.substr(start));
    return lines;
}

// Tries every address getaddrinfo returned, in order, as Windows' samples do.
SOCKET connectToAny(const char *host, const char *port) {
    addrinfo hints = {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    addrinfo *result = nullptr;
    note(std::string("resolving ") + host);
    int rc = getaddrinfo(host, port, &hints, &result);
    if (rc != 0) {
        std::printf("getaddrinfo failed: %d\n", rc);
        return INVALID_SOCKET;
    }
    SOCKET s = INVALID_SOCKET;
    int lastError = 0;
    for (addrinfo *ai = result; ai != nullptr && s == INVALID_SOCKET; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s == INVALID_SOCKET) continue;
        if (connect(s, ai->ai_addr, static_cast<int>(ai->ai_addrlen)) == SOCKET_ERROR) {
            lastError = WSAGetLastError();
            closesocket(s);
            s = INVALID_SOCKET;
            continue;
        }
        char numeric[INET6_ADDRSTRLEN] = "";
        getnameinfo(ai->ai_addr, static_cast<socklen_t>(ai->ai_addrlen), numeric, sizeof numeric, nullptr, 0, NI_NUMERICHOST);
        note(std::string("connected to ") + numeric);
    }
    freeaddrinfo(result);
    if (s == INVALID_SOCKET) std::printf("connect failed: error %d\n", lastError);
    return s;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 4) {
        std::printf("usage: %s HOST PORT WORD [WORD ...]\n", argv[0]);
        return 1;
    }
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        std::printf("WSAStartup failed\n");
        return 1;
    }
    std::vector<std::string> words(argv + 3, argv + argc);
    int status = 0;
    {
        SOCKET s = connectToAny(argv[1], argv[2]);
        if (s == INVALID_SOCKET) {
            status = 2;
        } else {
            Connection connection(s);
            std::string request;
            for (const std::string &w : words) request += w + "\n";
            std::string reply;
            if (!connection.sendAll(request) || connection.finishSending() != 0 || !connection.receiveAll(reply)) {
                std::printf("transfer failed: error %d\n", WSAGetLastError());
                status = 3;
            } else {
                note("sent " + std::to_string(request.size()) + " bytes, received " + std::to_string(reply.size()));
                std::vector<std::string> lines = splitLines(reply);
                std::map<std::string, int> counts;
                for (size_t i = 0; i < lines.size(); i++) {
                    std::printf("reply %d: %s\n", static_cast<int>(i + 1), lines[i].c_str());
                    const std::string prefix = "you said: ";
                    if (lines[i].compare(0, prefix.size(), prefix) == 0) counts[lines[i].substr(prefix.size())]++;
                }
                for (const auto &entry : counts) std::printf("%-8s x%d\n", entry.first.c_str(), entry.second);
            }
        }
    }
    for (const std::string &line : g_log) std::printf("log: %s\n", line.c_str());
    WSACleanup();
    return status;
}
