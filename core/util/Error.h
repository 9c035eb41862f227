#pragma once
// The one exception type for errors a user can cause (bad files, missing models, huge images).
// Its message is meant to be shown as is: it names the file, and the tensor or JSON path, where
// there is one. Broken internal invariants use TORCH_CHECK / assert instead.

#include <stdexcept>
#include <string>

namespace rlfseg {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Work stopped because its caller asked (a superseded or cancelled request), not a failure.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

} // namespace rlfseg
