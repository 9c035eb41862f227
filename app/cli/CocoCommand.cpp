// rlfseg coco validate FILE [--images DIR]: every problem of a COCO file with its JSON path.

#include "Commands.h"

#include "core/annotation/CocoValidator.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace rlfseg::cli {

void addCocoCommand(CLI::App& app) {
    auto* coco = app.add_subcommand("coco", "COCO files");
    coco->require_subcommand(1);
    auto* validate = coco->add_subcommand("validate", "Report every problem of a COCO instances file (exit 1 on errors)");
    struct Args {
        std::string file, images;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    validate->add_option("file", a->file, "The COCO JSON file")->required();
    validate->add_option("--images", a->images, "Check the image files in this folder too");
    validate->add_flag("--json", a->json, "Print the problems as JSON");
    validate->callback([a] {
        const auto v = annotation::validateCocoFile(a->file, a->images);
        if (a->json) {
            nlohmann::json problems = nlohmann::json::array();
            for (const auto& p : v.problems)
                problems.push_back({{"severity", p.error ? "error" : "warning"}, {"path", p.path}, {"message", p.message}});
            std::cout << nlohmann::json{{"file", a->file},         {"images", v.images},     {"annotations", v.annotations},
                                        {"categories", v.categories}, {"errors", v.errors()}, {"warnings", v.warnings()},
                                        {"problems", problems}}
                             .dump(2)
                      << "\n";
        } else {
            for (const auto& p : v.problems)
                std::cout << (p.error ? "error: " : "warning: ") << (p.path.empty() ? "" : p.path + ": ") << p.message << "\n";
            std::cout << a->file << ": " << v.images << " images, " << v.annotations << " annotations, " << v.categories
                      << " categories; " << v.errors() << " errors, " << v.warnings() << " warnings\n";
        }
        if (v.errors() > 0) throw CLI::RuntimeError(1);
    });
}

} // namespace rlfseg::cli
