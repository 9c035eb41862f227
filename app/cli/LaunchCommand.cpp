// `rlfseg launch --nproc N -- COMMAND...`: N local ranks of an rlfseg command (train, annotate)
// with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT set as torchrun sets them; their
// output is forwarded line by line with a "[rank k]" prefix. When one rank fails, the others are
// stopped and launch exits with the failed rank's status. They usually stop by themselves at once
// (their connections to the dead rank break) and say why; those still running after 10 s get
// SIGTERM, and SIGKILL 10 s later.

#include "app/cli/Commands.h"

#include "core/util/Error.h"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace rlfseg::cli {

namespace {

// A port nobody listens on right now (the kernel picks it), for the rendezvous.
int freePort()
{
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return 29500;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 29500;
    if (bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    close(s);
    return port;
}

struct Rank {
    pid_t pid = -1;
    int output = -1;     // read end of the pipe that has its stdout and stderr
    std::string pending; // a partial line
    bool running = true;
    int status = 0;
};

void forward(Rank& rank, int index, const char* data, size_t n, bool flush)
{
    rank.pending.append(data, n);
    size_t start = 0;
    for (size_t i = 0; i < rank.pending.size(); ++i) {
        if (rank.pending[i] == '\n' || rank.pending[i] == '\r') {
            if (i > start) std::cout << "[rank " << index << "] " << rank.pending.substr(start, i - start) << "\n";
            start = i + 1;
        }
    }
    rank.pending.erase(0, start);
    if (flush && !rank.pending.empty()) std::cout << "[rank " << index << "] " << rank.pending << "\n", rank.pending.clear();
    std::cout.flush();
}

int launch(int ranks, int port, const std::string& address, const std::vector<std::string>& command)
{
    if (port == 0) port = freePort();
    std::vector<Rank> children(static_cast<size_t>(ranks));
    for (int r = 0; r < ranks; ++r) {
        int fds[2];
        if (pipe(fds) != 0) throw Error("launch: cannot create a pipe: " + std::string(std::strerror(errno)));
        const pid_t pid = fork();
        if (pid < 0) throw Error("launch: cannot start rank " + std::to_string(r) + ": " + std::strerror(errno));
        if (pid == 0) {
            dup2(fds[1], STDOUT_FILENO);
            dup2(fds[1], STDERR_FILENO);
            close(fds[0]);
            close(fds[1]);
            setenv("RANK", std::to_string(r).c_str(), 1);
            setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
            setenv("WORLD_SIZE", std::to_string(ranks).c_str(), 1);
            setenv("LOCAL_WORLD_SIZE", std::to_string(ranks).c_str(), 1);
            setenv("MASTER_ADDR", address.c_str(), 1);
            setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
            std::vector<char*> argv;
            std::string self = "rlfseg";
            argv.push_back(self.data());
            std::vector<std::string> copy = command;
            for (auto& a : copy) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv("/proc/self/exe", argv.data());
            std::fprintf(stderr, "launch: cannot run rlfseg: %s\n", std::strerror(errno));
            _exit(127);
        }
        close(fds[1]);
        children[size_t(r)].pid = pid;
        children[size_t(r)].output = fds[0];
    }

    int failed = -1, exitStatus = 0;
    auto termAt = std::chrono::steady_clock::time_point::max(), killAt = termAt;
    bool terminated = false, killed = false;
    for (;;) {
        std::vector<pollfd> fds;
        std::vector<int> owner;
        for (int r = 0; r < ranks; ++r)
            if (children[size_t(r)].output >= 0) fds.push_back({children[size_t(r)].output, POLLIN, 0}), owner.push_back(r);
        if (!fds.empty()) poll(fds.data(), fds.size(), 200);
        for (size_t i = 0; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            Rank& rank = children[size_t(owner[i])];
            char buffer[4096];
            const ssize_t n = read(rank.output, buffer, sizeof buffer);
            if (n > 0) {
                forward(rank, owner[i], buffer, size_t(n), false);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                forward(rank, owner[i], "", 0, true);
                close(rank.output);
                rank.output = -1;
            }
        }
        bool anyRunning = false;
        for (int r = 0; r < ranks; ++r) {
            Rank& rank = children[size_t(r)];
            if (!rank.running) continue;
            int status = 0;
            if (waitpid(rank.pid, &status, WNOHANG) == rank.pid) {
                rank.running = false;
                const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                if (code != 0 && failed < 0) {
                    failed = r, exitStatus = code;
                    std::cout << "[launch] rank " << r << " exited with status " << code << "; stopping the others\n";
                    termAt = std::chrono::steady_clock::now() + std::chrono::seconds(10);
                    killAt = termAt + std::chrono::seconds(10);
                }
            } else {
                anyRunning = true;
            }
        }
        const bool outputsOpen = std::any_of(children.begin(), children.end(), [](const Rank& c) { return c.output >= 0; });
        if (!anyRunning && !outputsOpen) break;
        const auto now = std::chrono::steady_clock::now();
        if (!terminated && now > termAt) {
            for (auto& other : children)
                if (other.running) kill(other.pid, SIGTERM);
            terminated = true;
        }
        if (!killed && now > killAt) {
            for (auto& other : children)
                if (other.running) kill(other.pid, SIGKILL);
            killed = true;
        }
        if (!anyRunning && outputsOpen) {
            // Every rank has exited: read what is left in the pipes (without waiting, since a
            // grandchild may still hold one open), then stop.
            for (auto& c : children) {
                if (c.output < 0) continue;
                fcntl(c.output, F_SETFL, fcntl(c.output, F_GETFL) | O_NONBLOCK);
                char buffer[4096];
                ssize_t n;
                while ((n = read(c.output, buffer, sizeof buffer)) > 0) forward(c, int(&c - children.data()), buffer, size_t(n), false);
                forward(c, int(&c - children.data()), "", 0, true);
                close(c.output);
                c.output = -1;
            }
        }
    }
    return failed < 0 ? 0 : exitStatus;
}

} // namespace

void addLaunchCommand(CLI::App& app)
{
    auto* cmd = app.add_subcommand("launch", "Run an rlfseg command as N local data-parallel ranks (as torchrun does)");
    struct Args {
        int ranks = 2;
        int port = 0;
        std::string address = "127.0.0.1";
        std::vector<std::string> command;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("--nproc", a->ranks, "Number of local ranks (processes)")->check(CLI::Range(1, 256))->capture_default_str();
    cmd->add_option("--master-port", a->port, "Rendezvous port (0: a free one)")->capture_default_str();
    cmd->add_option("--master-addr", a->address, "Rendezvous address (rank 0's host)")->capture_default_str();
    // Everything after "--" is the command (CLI11 takes it as positionals, options included).
    cmd->add_option("command", a->command, "The rlfseg command each rank runs, after --")->required();
    cmd->footer("Example: rlfseg launch --nproc 2 -- train --config recipe.json --out run\n"
                "Several machines: start `rlfseg train ...` on each with RANK, WORLD_SIZE, MASTER_ADDR and\n"
                "MASTER_PORT set (rank 0's address), one process per rank, as with torchrun.");
    cmd->callback([a] {
        if (a->command.empty()) throw Error("launch: give the command to run after --, e.g. -- train --config recipe.json --out run");
        const int status = launch(a->ranks, a->port, a->address, a->command);
        if (status != 0) throw CLI::RuntimeError(status);
    });
}

} // namespace rlfseg::cli
