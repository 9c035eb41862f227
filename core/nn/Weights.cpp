#include "core/nn/Weights.h"

#include "core/io/SafeTensors.h"
#include "core/util/Error.h"

#include <sstream>

namespace rlfseg {
namespace {

torch::Dtype torchDtype(DType dtype, const std::string& where) {
    switch (dtype) {
    case DType::F64: return torch::kDouble;
    case DType::F32: return torch::kFloat;
    case DType::F16: return torch::kHalf;
    case DType::BF16: return torch::kBFloat16;
    case DType::I64: return torch::kLong;
    case DType::I32: return torch::kInt;
    case DType::I16: return torch::kShort;
    case DType::I8: return torch::kChar;
    case DType::U8: return torch::kByte;
    case DType::Bool: return torch::kBool;
    }
    throw Error(where + ": unsupported dtype");
}

DType storedDtype(torch::Dtype dtype) {
    switch (dtype) {
    case torch::kDouble: return DType::F64;
    case torch::kFloat: return DType::F32;
    case torch::kHalf: return DType::F16;
    case torch::kBFloat16: return DType::BF16;
    case torch::kLong: return DType::I64;
    case torch::kInt: return DType::I32;
    case torch::kShort: return DType::I16;
    case torch::kChar: return DType::I8;
    case torch::kByte: return DType::U8;
    case torch::kBool: return DType::Bool;
    default: throw Error("saveWeights: cannot store dtype " + std::string(c10::toString(dtype)));
    }
}

std::string shapeString(c10::IntArrayRef shape) {
    std::ostringstream s;
    s << shape;
    return s.str();
}

std::string listSome(const std::vector<std::string>& names) {
    std::string out;
    for (size_t i = 0; i < names.size() && i < 8; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > 8) out += ", ... (" + std::to_string(names.size()) + " in all)";
    return out;
}

} // namespace

torch::Tensor readTensor(const SafeTensorsFile& file, const std::string& name) {
    const TensorInfo& info = file.info(name);
    const auto dtype = torchDtype(info.dtype, file.path() + ": tensor '" + name + "'");
    auto t = torch::empty(info.shape, torch::TensorOptions().dtype(dtype));
    std::memcpy(t.data_ptr(), file.data(name), info.end - info.begin);
    return t;
}

void loadWeights(torch::nn::Module& module, const std::vector<std::string>& files, const std::string& component,
                 const std::set<std::string>& ignorable) {
    if (files.empty()) throw Error(component + ": no weight files given");
    std::vector<SafeTensorsFile> opened;
    std::map<std::string, size_t> owner; // tensor name -> index in `opened`
    for (const auto& path : files) {
        opened.push_back(SafeTensorsFile::open(path));
        for (const auto& name : opened.back().names()) {
            if (owner.count(name))
                throw Error(component + ": tensor '" + name + "' is stored twice (" + files[owner[name]] + ", " + path + ")");
            owner[name] = opened.size() - 1;
        }
    }

    auto targets = module.named_parameters(true);
    for (const auto& b : module.named_buffers(true)) targets.insert(b.key(), b.value());

    std::vector<std::string> missing;
    for (const auto& item : targets)
        if (!owner.count(item.key())) missing.push_back(item.key());
    std::vector<std::string> unexpected;
    for (const auto& [name, index] : owner)
        if (!targets.contains(name) && !ignorable.count(name)) unexpected.push_back(name);
    if (!missing.empty() || !unexpected.empty()) {
        std::string message = component + " weights (" + files.front() + (files.size() > 1 ? " and other shards" : "") +
                              ") do not match the model built from its config.json.";
        if (!missing.empty()) message += " Missing: " + listSome(missing) + ".";
        if (!unexpected.empty()) message += " Unexpected: " + listSome(unexpected) + ".";
        throw Error(message);
    }

    torch::NoGradGuard noGrad;
    for (auto& item : targets) {
        const auto& file = opened[owner[item.key()]];
        const TensorInfo& info = file.info(item.key());
        auto& target = item.value();
        if (c10::IntArrayRef(info.shape) != target.sizes())
            throw Error(file.path() + ": tensor '" + item.key() + "' has shape " + shapeString(info.shape) + ", but " +
                        component + "'s config.json implies " + shapeString(target.sizes()));
        const auto dtype = torchDtype(info.dtype, file.path() + ": tensor '" + item.key() + "'");
        if (!c10::isFloatingType(dtype) && c10::isFloatingType(target.scalar_type()))
            throw Error(file.path() + ": tensor '" + item.key() + "' is stored as " + dtypeName(info.dtype) +
                        ", not floating point");
        // Wrap the mapped bytes without copying, then copy once into the parameter.
        auto stored = torch::from_blob(const_cast<uint8_t*>(file.data(item.key())), info.shape,
                                       torch::TensorOptions().dtype(dtype));
        target.copy_(stored);
        file.releasePages(item.key());
    }
}

void convertToChannelsLast(torch::nn::Module& module) {
    torch::NoGradGuard noGrad;
    for (auto& p : module.parameters())
        if (p.dim() == 4) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
}

void saveTensors(const std::vector<std::pair<std::string, torch::Tensor>>& named, const std::string& path,
                 torch::Dtype dtype, const std::map<std::string, std::string>& metadata) {
    std::vector<torch::Tensor> keepAlive;
    std::vector<TensorToWrite> tensors;
    for (const auto& [name, t] : named) {
        auto cpu = t.detach().to(torch::kCPU);
        if (c10::isFloatingType(cpu.scalar_type())) cpu = cpu.to(dtype);
        cpu = cpu.contiguous();
        keepAlive.push_back(cpu);
        tensors.push_back({name, storedDtype(cpu.scalar_type()),
                           std::vector<int64_t>(cpu.sizes().begin(), cpu.sizes().end()), cpu.data_ptr(),
                           static_cast<size_t>(cpu.numel()) * cpu.element_size()});
    }
    auto meta = metadata;
    meta.emplace("format", "pt");
    writeSafeTensors(path, tensors, meta);
}

void saveWeights(const torch::nn::Module& module, const std::string& path, torch::Dtype dtype,
                 const std::map<std::string, std::string>& metadata) {
    std::vector<std::pair<std::string, torch::Tensor>> named;
    for (const auto& p : module.named_parameters(true)) named.emplace_back(p.key(), p.value());
    for (const auto& b : module.named_buffers(true)) named.emplace_back(b.key(), b.value());
    saveTensors(named, path, dtype, metadata);
}

std::map<std::string, torch::Tensor> loadTensors(const std::string& path) {
    const auto file = SafeTensorsFile::open(path);
    std::map<std::string, torch::Tensor> tensors;
    for (const auto& name : file.names()) tensors.emplace(name, readTensor(file, name));
    return tensors;
}

} // namespace rlfseg
