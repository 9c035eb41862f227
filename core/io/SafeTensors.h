#pragma once
// Reading and writing .safetensors files (https://github.com/huggingface/safetensors), without LibTorch.
//
// Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON (an object mapping tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]}, plus an optional "__metadata__" object of string to
// string), then the raw little-endian, C-contiguous tensor bytes. Offsets are relative to the start of
// that byte buffer.
//
// SafeTensorsFile::open validates the whole header up front (see SafeTensors.cpp for the list), so that
// afterwards every info()/data() is in bounds. Every problem is an rlfseg::Error whose message names the
// file and, where there is one, the tensor.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rlfseg {

// Names as in the safetensors format: "F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL".
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

std::string dtypeName(DType dtype);
size_t dtypeSize(DType dtype);

struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    uint64_t begin = 0, end = 0; // byte offsets relative to the data buffer (after the header)
    int64_t numel() const;       // product of shape (1 for a scalar, shape [])
};

// A read-only, memory-mapped safetensors file. Movable, not copyable; pointers from data() stay valid
// while the object (or the object it was moved into) lives. All const members are thread-safe.
class SafeTensorsFile {
public:
    static SafeTensorsFile open(const std::string& path);

    SafeTensorsFile(SafeTensorsFile&&) noexcept;
    SafeTensorsFile& operator=(SafeTensorsFile&&) noexcept;
    SafeTensorsFile(const SafeTensorsFile&) = delete;
    SafeTensorsFile& operator=(const SafeTensorsFile&) = delete;
    ~SafeTensorsFile();

    const std::string& path() const;
    std::vector<std::string> names() const; // sorted
    bool contains(const std::string& name) const;
    const TensorInfo& info(const std::string& name) const; // throws rlfseg::Error naming file + tensor if absent
    const uint8_t* data(const std::string& name) const;    // pointer into the mapping (throws like info())
    const std::map<std::string, std::string>& metadata() const;

    // Tells the OS that the pages of this tensor are no longer needed (madvise MADV_DONTNEED), so that after
    // a model's weights were copied out the file's pages do not stay in the process's resident memory. The
    // data stays readable (it is read from the file again if touched). Whole pages are released, so pages
    // shared with neighbouring tensors are dropped too, which is harmless. Safe no-op on failure, for an
    // unknown name and on Windows.
    void releasePages(const std::string& name) const;

private:
    struct Mapping;
    SafeTensorsFile();

    std::string path_;
    std::unique_ptr<Mapping> mapping_;
    const uint8_t* dataBuffer_ = nullptr; // start of the tensor bytes inside the mapping
    std::map<std::string, TensorInfo> tensors_;
    std::map<std::string, std::string> metadata_;
};

struct TensorToWrite {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const void* data = nullptr; // little-endian, C-contiguous
    size_t nbytes = 0;          // must equal numel * dtypeSize(dtype)
};

// Writes a conforming file: 8-byte LE header length, compact JSON header ("__metadata__" first if not empty,
// then the tensors in ascending name order, each {"dtype","shape","data_offsets"}) padded with spaces to a
// multiple of 8, then the tensors back to back in ascending name order. Atomic (writeFileAtomically).
// Throws rlfseg::Error on duplicate or empty names, a tensor named "__metadata__", negative dims,
// nbytes != numel * dtypeSize, strings that are not valid UTF-8, and I/O failure.
void writeSafeTensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

} // namespace rlfseg
