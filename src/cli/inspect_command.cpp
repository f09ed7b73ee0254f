// `detwasm inspect`: what a module or an artifact declares, for people and
// (with --json) for scripts. A module is decoded and validated; an artifact
// is read whatever engine it is for (its header, signature and
// declarations), and compared with this engine's configuration.
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include <detwasm/target.hpp>

#include "api/body_consumers.hpp"
#include "artifact/artifact.hpp"
#include "cli/commands.hpp"
#include "decode/module_decoder.hpp"
#include "decode/reader.hpp"

namespace detwasm::cli {

namespace {

using json = nlohmann::ordered_json;
using internal::ModuleDecls;

std::string limits_text(const Limits& l) {
  return std::to_string(l.min) + (l.max ? ".." + std::to_string(*l.max) : "..");
}

json limits_json(const Limits& l) {
  json j = {{"min", l.min}};
  j["max"] = l.max ? json(*l.max) : json(nullptr);
  return j;
}

Limits limits_from(const json& j) {
  Limits l{j["min"].get<uint32_t>(), std::nullopt};
  if (!j["max"].is_null()) l.max = j["max"].get<uint32_t>();
  return l;
}

// The type of an import or export, as text and as JSON.
struct Described {
  std::string text;
  json data;
};

Described describe_func(const FuncType& t) {
  json params = json::array(), results = json::array();
  for (ValType v : t.params) params.push_back(std::string(to_string(v)));
  for (ValType v : t.results) results.push_back(std::string(to_string(v)));
  return {"func " + to_string(t), {{"params", params}, {"results", results}}};
}
Described describe_table(const TableType& t) {
  return {"table " + std::string(to_string(t.elem)) + " " + limits_text(t.limits),
          {{"element", std::string(to_string(t.elem))}, {"limits", limits_json(t.limits)}}};
}
Described describe_memory(const MemoryType& m) {
  return {"memory " + limits_text(m.limits) + " pages", {{"limits", limits_json(m.limits)}}};
}
Described describe_global(const GlobalType& g) {
  return {std::string("global ") + (g.mut ? "mut " : "") + std::string(to_string(g.type)),
          {{"type", std::string(to_string(g.type))}, {"mutable", g.mut}}};
}

Described describe_extern(const ModuleDecls& m, ExternKind kind, uint32_t index) {
  switch (kind) {
    case ExternKind::Func: return describe_func(m.types.at(m.func_types.at(index)));
    case ExternKind::Table: return describe_table(m.tables.at(index));
    case ExternKind::Memory: return describe_memory(m.memories.at(index));
    case ExternKind::Global: return describe_global(m.global_types.at(index));
  }
  return {};
}

Described describe_import(const ModuleDecls& m, const internal::Import& i) {
  switch (i.kind) {
    case ExternKind::Func: return describe_func(m.types.at(i.func_type));
    case ExternKind::Table: return describe_table(i.table);
    case ExternKind::Memory: return describe_memory(i.memory);
    case ExternKind::Global: return describe_global(i.global);
  }
  return {};
}

// Custom sections (name and size) of a module's bytes, which the decoder
// does not keep; the module has already decoded, so the framing is sound.
json custom_sections(std::span<const uint8_t> bytes) {
  json out = json::array();
  internal::Reader r(bytes.data() + 8, bytes.data() + bytes.size(), 8);
  while (!r.at_end()) {
    uint8_t id = r.u8();
    uint32_t size = r.u32();
    uint64_t at = r.offset();
    const uint8_t* body = r.bytes(size);
    if (id != 0) continue;
    internal::Reader cr(body, body + size, at);
    std::string name = cr.name();
    out.push_back({{"name", name}, {"size", size}, {"offset", at}});
  }
  return out;
}

json declarations(const ModuleDecls& m) {
  json j;
  j["imports"] = json::array();
  for (const internal::Import& i : m.imports) {
    Described d = describe_import(m, i);
    j["imports"].push_back(
        {{"module", i.module}, {"name", i.name}, {"kind", std::string(to_string(i.kind))}, {"type", d.data}, {"text", d.text}});
  }
  j["exports"] = json::array();
  for (const internal::Export& e : m.exports) {
    Described d = describe_extern(m, e.kind, e.index);
    j["exports"].push_back({{"name", e.name}, {"kind", std::string(to_string(e.kind))}, {"index", e.index},
                            {"type", d.data}, {"text", d.text}});
  }
  j["memories"] = json::array();
  for (size_t i = 0; i < m.memories.size(); ++i)
    j["memories"].push_back({{"index", i}, {"imported", i < m.num_imported_memories}, {"limits", limits_json(m.memories[i].limits)}});
  j["tables"] = json::array();
  for (size_t i = 0; i < m.tables.size(); ++i)
    j["tables"].push_back({{"index", i},
                           {"imported", i < m.num_imported_tables},
                           {"element", std::string(to_string(m.tables[i].elem))},
                           {"limits", limits_json(m.tables[i].limits)}});
  j["functions"] = {{"imported", m.num_imported_funcs}, {"defined", m.functions.size()}};
  j["globals"] = {{"imported", m.num_imported_globals}, {"defined", m.globals.size()}};
  j["data_segments"] = m.datas.size();
  j["element_segments"] = m.elems.size();
  if (m.start) {
    auto name = m.func_names.find(*m.start);
    j["start"] = {{"index", *m.start}, {"name", name == m.func_names.end() ? json(nullptr) : json(name->second)}};
  } else {
    j["start"] = nullptr;
  }
  j["module_name"] = m.module_name.empty() ? json(nullptr) : json(m.module_name);
  return j;
}

void print_text(const json& j) {
  std::cout << j["kind"].get<std::string>() << " " << j["file"].get<std::string>() << "\n";
  std::cout << "  module hash  " << j["module_hash"].get<std::string>() << "\n";
  if (j.contains("artifact")) {
    const json& a = j["artifact"];
    std::cout << "  tier         " << a["tier"].get<std::string>() << "\n";
    std::cout << "  target       " << a["target"].get<std::string>() << "\n";
    std::cout << "  engine       detwasm " << a["engine_version"].get<std::string>() << "\n";
    std::cout << "  config id    " << a["config_identity"].get<std::string>() << "\n";
    std::cout << "  loads here   "
              << (a["loads_here"].get<bool>() ? std::string("yes")
                                              : "no: " + a["why_not"].get<std::string>())
              << "\n";
    const json& s = a["signature"];
    std::cout << "  signature    "
              << (s.is_null() ? std::string("none")
                              : (s["valid"].get<bool>() ? "valid, " : "INVALID, ") + std::string("key ") +
                                    s["key"].get<std::string>())
              << "\n";
  }
  const json& d = j["declarations"];
  if (!d["module_name"].is_null()) std::cout << "  name         " << d["module_name"].get<std::string>() << "\n";
  std::cout << "  functions    " << d["functions"]["imported"] << " imported, " << d["functions"]["defined"]
            << " defined\n";
  std::cout << "  globals      " << d["globals"]["imported"] << " imported, " << d["globals"]["defined"] << " defined\n";
  std::cout << "  segments     " << d["data_segments"] << " data, " << d["element_segments"] << " element\n";
  for (const json& m : d["memories"])
    std::cout << "  memory " << m["index"] << "     " << limits_text(limits_from(m["limits"])) << " pages"
              << (m["imported"].get<bool>() ? " (imported)" : "") << "\n";
  for (const json& t : d["tables"])
    std::cout << "  table " << t["index"] << "      " << t["element"].get<std::string>() << " "
              << limits_text(limits_from(t["limits"])) << (t["imported"].get<bool>() ? " (imported)" : "") << "\n";
  if (!d["start"].is_null()) {
    std::cout << "  start        function " << d["start"]["index"];
    if (!d["start"]["name"].is_null()) std::cout << " $" << d["start"]["name"].get<std::string>();
    std::cout << "\n";
  }
  std::cout << "imports (" << d["imports"].size() << ")\n";
  for (const json& i : d["imports"])
    std::cout << "  " << i["module"].get<std::string>() << " " << i["name"].get<std::string>() << ": "
              << i["text"].get<std::string>() << "\n";
  std::cout << "exports (" << d["exports"].size() << ")\n";
  for (const json& e : d["exports"])
    std::cout << "  " << e["name"].get<std::string>() << ": " << e["text"].get<std::string>() << "\n";
  if (j.contains("custom_sections")) {
    std::cout << "custom sections (" << j["custom_sections"].size() << ")\n";
    for (const json& c : j["custom_sections"])
      std::cout << "  " << c["name"].get<std::string>() << ": " << c["size"] << " bytes at " << c["offset"] << "\n";
  }
}

}  // namespace

int inspect_command(const Args& args) {
  const std::string& path = args.files.front();
  std::vector<uint8_t> bytes = read_module_or_artifact(path, args.limits);
  json j;
  if (Module::is_artifact(bytes)) {
    artifact::ArtifactInfo info;
    try {
      info = artifact::describe(bytes);
    } catch (const ArtifactError& e) {
      throw CommandFailure(path + ": " + e.what());
    }
    j["kind"] = "artifact";
    j["file"] = path;
    j["module_hash"] = to_hex(info.module_hash);
    json a;
    a["tier"] = info.tier == Tier::Jit ? "jit" : "interp";
    a["target"] = info.target.to_string();
    a["engine_version"] = info.engine_version;
    a["config_identity"] = to_hex(info.config_identity);
    // Whether this engine, as configured by the options given, would load it.
    std::string why_not;
    try {
      Engine engine(engine_config(args));
      Module::deserialize(engine, bytes);
    } catch (const Error& e) {
      why_not = e.what();
    }
    a["loads_here"] = why_not.empty();
    a["why_not"] = why_not;
    a["signature"] = info.signer ? json{{"key", to_hex(*info.signer)}, {"valid", info.signature_valid}} : json(nullptr);
    j["artifact"] = a;
    j["declarations"] = declarations(info.decls);
  } else {
    auto consumer = internal::make_validating_consumer(args.limits);
    internal::ModuleDecoder decoder(args.limits, *consumer);
    decoder.feed(bytes.data(), bytes.size());
    std::shared_ptr<internal::ModuleData> m = decoder.finish();
    j["kind"] = "module";
    j["file"] = path;
    j["module_hash"] = to_hex(m->hash);
    j["size"] = bytes.size();
    j["declarations"] = declarations(*m);
    j["custom_sections"] = custom_sections(bytes);
  }
  if (args.json) {
    std::cout << j.dump() << "\n";
  } else {
    print_text(j);
  }
  return kExitOk;
}

}  // namespace detwasm::cli
