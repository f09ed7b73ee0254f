// .wast scripts read directly with the text format's lexer, as the command
// list wast2json would write for them: the JSON runner's commands, with the
// modules held in memory (parsed from text, or a `module binary`'s bytes)
// instead of in files beside the JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <detwasm/config.hpp>

namespace detwasm::spec {

// A module of the script: its binary form, or why its text is malformed.
struct ScriptModule {
  std::vector<uint8_t> bytes;
  std::string text_error;  // "LINE:COLUMN: message"; empty when parsed
};

struct WastScript {
  // {"commands": [...]} as wast2json writes it; a command with a module has
  // "module_index" into `modules` where wast2json has "filename".
  nlohmann::json doc;
  std::vector<ScriptModule> modules;
};

// Throws TextError for a script whose commands do not read (a module's own
// malformed text is not an error here: it is kept in its ScriptModule).
WastScript read_wast_script(std::string_view source, const ResourceLimits& limits);

}  // namespace detwasm::spec
