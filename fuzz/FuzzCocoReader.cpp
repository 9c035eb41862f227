// Any bytes as a COCO file: the validator reports, the importer imports or throws rlfseg::Error,
// and nothing crashes, hangs or leaks. What imports must export and import again unchanged in
// number (the same path the app's File > Import and `rlfseg coco validate` take).

#include "core/annotation/CocoFormat.h"
#include "core/annotation/CocoValidator.h"
#include "core/io/JsonFields.h"
#include "core/util/Error.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace rlfseg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    nlohmann::json coco;
    try {
        coco = JsonFields::parseText(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    } catch (const Error&) {
        return 0; // malformed JSON: a clear error, which is all that is asked
    }
    (void)annotation::validateCoco(coco);
    annotation::Project project;
    try {
        annotation::importCoco(project, coco, "fuzz.json");
    } catch (const Error&) {
        if (!project.annotations().empty()) std::abort(); // a refused file must leave the project as it was
        return 0;
    }
    const nlohmann::json exported = annotation::exportCoco(project);
    if (annotation::validateCoco(exported).errors() != 0) std::abort(); // our exports are always valid
    annotation::Project again;
    annotation::importCoco(again, exported, "exported.json");
    if (again.annotations().size() != project.annotations().size()) std::abort();
    return 0;
}
