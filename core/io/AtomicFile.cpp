#include "core/io/AtomicFile.h"

#include "core/util/Error.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>
#include <streambuf>

#ifdef _WIN32
#include <fstream>
#include <process.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace rlfseg {
namespace {

namespace fs = std::filesystem;

std::string quoted(const std::string& path) { return "'" + path + "'"; }

int currentPid() {
#ifdef _WIN32
    return _getpid();
#else
    return static_cast<int>(::getpid());
#endif
}

// "<folder>/.<name>.tmp-<pid>-<n>-<random>": same folder, so the final rename stays on one file system.
std::string temporaryPathFor(const std::string& path) {
    static std::atomic<unsigned> counter{0};
    static thread_local std::mt19937 rng{std::random_device{}()};
    const fs::path target(path);
    const std::string name = "." + target.filename().string() + ".tmp-" + std::to_string(currentPid()) + "-" +
                             std::to_string(counter++) + "-" + std::to_string(rng() % 1000000u);
    return (target.parent_path() / name).string();
}

#ifndef _WIN32

std::string errnoText(int err) { return std::strerror(err); }

bool writeAll(int fd, const char* data, size_t n, int& err) {
    while (n > 0) {
        const ssize_t w = ::write(fd, data, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            err = errno;
            return false;
        }
        data += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

// A minimal output buffer over a POSIX file descriptor that remembers the first errno.
class FdStreamBuf : public std::streambuf {
public:
    explicit FdStreamBuf(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof(buffer_)); }
    int error() const { return err_; }

protected:
    int_type overflow(int_type ch) override {
        if (!flushBuffer()) return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        if (n <= epptr() - pptr()) {
            std::memcpy(pptr(), s, static_cast<size_t>(n));
            pbump(static_cast<int>(n));
            return n;
        }
        if (!flushBuffer()) return 0;
        if (n < static_cast<std::streamsize>(sizeof(buffer_))) {
            std::memcpy(pptr(), s, static_cast<size_t>(n));
            pbump(static_cast<int>(n));
            return n;
        }
        return writeAll(fd_, s, static_cast<size_t>(n), err_) ? n : 0;
    }
    int sync() override { return flushBuffer() ? 0 : -1; }

private:
    bool flushBuffer() {
        if (err_ != 0) return false;
        const size_t n = static_cast<size_t>(pptr() - pbase());
        if (n > 0 && !writeAll(fd_, pbase(), n, err_)) return false;
        setp(buffer_, buffer_ + sizeof(buffer_));
        return true;
    }

    int fd_;
    int err_ = 0;
    char buffer_[1 << 16];
};

int fullSync(int fd) {
#ifdef __APPLE__
    if (::fcntl(fd, F_FULLFSYNC) == 0) return 0;
#endif
    return ::fsync(fd);
}

void syncFolderOf(const std::string& path) {
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty()) folder = ".";
    const int dfd = ::open(folder.c_str(), O_RDONLY | O_CLOEXEC
#ifdef O_DIRECTORY
                                               | O_DIRECTORY
#endif
    );
    if (dfd < 0) return; // best effort: some systems do not let a folder be opened
    const int rc = fullSync(dfd);
    const int err = errno;
    ::close(dfd);
    // Only a real I/O error is reported; EINVAL/ENOTSUP mean the file system does not sync folders.
    if (rc != 0 && err == EIO)
        throw Error("Cannot write " + quoted(path) + ": syncing its folder failed: " + errnoText(err));
}

#endif // !_WIN32

} // namespace

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    if (path.empty()) throw Error("Cannot write a file with an empty path");
    const std::string tmp = temporaryPathFor(path);

#ifdef _WIN32
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw Error("Cannot write " + quoted(path) + ": cannot create temporary file " + quoted(tmp));
        try {
            write(out);
            out.flush();
        } catch (...) {
            out.close();
            std::error_code ec;
            fs::remove(tmp, ec);
            throw;
        }
        out.close();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw Error("Cannot write " + quoted(path) + ": writing the data failed");
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        throw Error("Cannot write " + quoted(path) + ": " + ec.message());
    }
#else
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        const int err = errno;
        throw Error("Cannot write " + quoted(path) + ": cannot create a temporary file in its folder: " +
                    errnoText(err));
    }
    auto failClean = [&](const std::string& what, int err) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw Error("Cannot write " + quoted(path) + ": " + what + (err ? ": " + errnoText(err) : std::string()));
    };

    // Keep the permissions of a file that is being replaced.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) (void)::fchmod(fd, st.st_mode & 07777);

    FdStreamBuf buf(fd);
    {
        std::ostream out(&buf);
        try {
            write(out);
        } catch (...) {
            ::close(fd);
            ::unlink(tmp.c_str());
            throw;
        }
        out.flush();
        if (!out || buf.error() != 0) failClean("writing the data failed", buf.error());
    }
    if (fullSync(fd) != 0) failClean("flushing the data to disk failed", errno);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw Error("Cannot write " + quoted(path) + ": closing the file failed: " + errnoText(err));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw Error("Cannot write " + quoted(path) + ": " + errnoText(err));
    }
    syncFolderOf(path);
#endif
}

void writeFileAtomically(const std::string& path, const std::string& bytes) {
    writeFileAtomically(path, [&bytes](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

std::string readFileToString(const std::string& path) {
#ifdef _WIN32
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw Error("Cannot read " + quoted(path) + ": it is a folder");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("Cannot read " + quoted(path) + ": " + (fs::exists(path, ec) ? "cannot open it" : "no such file"));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw Error("Cannot read " + quoted(path) + ": reading failed");
    return ss.str();
#else
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        throw Error("Cannot read " + quoted(path) + ": " + errnoText(err));
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw Error("Cannot read " + quoted(path) + ": it is a folder");
    }
    std::string out;
    if (S_ISREG(st.st_mode) && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
    char chunk[1 << 16];
    for (;;) {
        const ssize_t r = ::read(fd, chunk, sizeof(chunk));
        if (r < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            throw Error("Cannot read " + quoted(path) + ": " + errnoText(err));
        }
        if (r == 0) break;
        out.append(chunk, static_cast<size_t>(r));
    }
    ::close(fd);
    return out;
#endif
}

} // namespace rlfseg
