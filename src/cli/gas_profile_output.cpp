// What `detwasm run` writes from a gas profile: the folded stacks
// (--gas-profile), a flame graph as SVG (--gas-profile-svg) and a table per
// function on stderr (--gas-report).
#include <cinttypes>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "cli/commands.hpp"

namespace detwasm::cli {

namespace {

// The call tree of the profile's stacks: each node's gas is inclusive.
struct TreeNode {
  uint64_t gas = 0;
  std::map<std::string, std::unique_ptr<TreeNode>> children;  // by name: a stable order
};

std::string xml_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
    }
  }
  return out;
}

// A warm colour that depends on the name only, so that a function keeps
// its colour from one graph to the next.
std::string colour_of(const std::string& name) {
  uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  int r = 205 + static_cast<int>(h % 50), g = 80 + static_cast<int>((h >> 8) % 130), b = static_cast<int>((h >> 16) % 55);
  return "rgb(" + std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b) + ")";
}

constexpr double kWidth = 1200, kFrameHeight = 16, kMargin = 10, kTitleSpace = 40;

void draw(std::string& svg, const std::string& name, const TreeNode& node, double x, int depth, int max_depth,
          uint64_t total) {
  double width = (kWidth - 2 * kMargin) * static_cast<double>(node.gas) / static_cast<double>(total);
  if (width < 0.1) return;
  double y = kTitleSpace + (max_depth - depth) * kFrameHeight;
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.2f", 100.0 * static_cast<double>(node.gas) / static_cast<double>(total));
  std::string label = xml_escaped(name);
  svg += "<g><title>" + label + " (" + std::to_string(node.gas) + " gas, " + pct + "%)</title>";
  char rect[160];
  std::snprintf(rect, sizeof rect, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" rx=\"2\" fill=\"", x, y,
                width, kFrameHeight - 1);
  svg += rect + colour_of(name) + "\"/>";
  auto fits = static_cast<size_t>(width / 7);  // about 7 px a character at 12 px
  if (fits >= 3) {
    std::string shown = name.size() <= fits ? name : name.substr(0, fits - 2) + "..";
    char text[96];
    std::snprintf(text, sizeof text, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + kFrameHeight - 4);
    svg += text + xml_escaped(shown) + "</text>";
  }
  svg += "</g>\n";
  double child_x = x;
  for (const auto& [child_name, child] : node.children) {
    draw(svg, child_name, *child, child_x, depth + 1, max_depth, total);
    child_x += (kWidth - 2 * kMargin) * static_cast<double>(child->gas) / static_cast<double>(total);
  }
}

int depth_of(const TreeNode& node) {
  int d = 0;
  for (const auto& [name, child] : node.children) d = std::max(d, 1 + depth_of(*child));
  return d;
}

}  // namespace

std::string flame_graph_svg(const GasProfile& profile, const std::string& title) {
  TreeNode root;
  for (const GasProfileEntry& e : profile.entries) {
    TreeNode* n = &root;
    n->gas += e.self_gas;
    for (const std::string& f : e.stack) {
      auto& child = n->children[f];
      if (!child) child = std::make_unique<TreeNode>();
      n = child.get();
      n->gas += e.self_gas;
    }
  }
  int max_depth = depth_of(root);
  double height = kTitleSpace + (max_depth + 1) * kFrameHeight + kMargin;
  char header[512];
  std::snprintf(header, sizeof header,
                "<?xml version=\"1.0\" standalone=\"no\"?>\n"
                "<svg version=\"1.1\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                "xmlns=\"http://www.w3.org/2000/svg\">\n"
                "<style>text { font-family: monospace; font-size: 12px; fill: black; pointer-events: none; }</style>\n"
                "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                kWidth, height, kWidth, height);
  std::string svg = header;
  svg += "<text x=\"" + std::to_string(static_cast<int>(kMargin)) + "\" y=\"24\" style=\"font-size: 16px\">" +
         xml_escaped(title) + " — " + std::to_string(root.gas) + " gas</text>\n";
  if (root.gas > 0) draw(svg, "all", root, kMargin, 0, max_depth, root.gas);
  svg += "</svg>\n";
  return svg;
}

void write_gas_profile(const Args& args, const GasProfile& profile) {
  auto bytes = [](const std::string& s) { return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()); };
  if (args.gas_profile) write_file_atomically(*args.gas_profile, bytes(profile.folded()));
  if (args.gas_profile_svg)
    write_file_atomically(*args.gas_profile_svg, bytes(flame_graph_svg(profile, "gas: " + args.files.front())));
  if (args.gas_report) {
    uint64_t total = profile.total_gas();
    std::fprintf(stderr, "%14s %7s %14s %7s %10s  %s\n", "self gas", "self%", "inclusive", "incl%", "calls", "function");
    for (const GasProfile::FunctionTotal& f : profile.by_function()) {
      double self_pct = total ? 100.0 * static_cast<double>(f.self_gas) / static_cast<double>(total) : 0;
      double incl_pct = total ? 100.0 * static_cast<double>(f.inclusive_gas) / static_cast<double>(total) : 0;
      std::fprintf(stderr, "%14" PRIu64 " %6.2f%% %14" PRIu64 " %6.2f%% %10" PRIu64 "  %s\n", f.self_gas, self_pct,
                   f.inclusive_gas, incl_pct, f.calls, f.name.c_str());
    }
    std::fprintf(stderr, "%14" PRIu64 " total\n", total);
  }
}

}  // namespace detwasm::cli
