// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/otlp.hpp>
#include <coroscope/profile_view.hpp>

#include <ostream>
#include <stdexcept>

namespace coroscope {
namespace {

void print_value(std::ostream& out, const otlp_value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    out << '"' << *s << '"';
  } else {
    out << std::get<std::int64_t>(v);
  }
}

void print_frame(std::ostream& out, const frame& f, frame_namer& namer) {
  out << (f.is_task_frame ? "[task] " : "") << namer.name(f);
  if (!f.file.empty()) {
    out << " (" << f.file;
    if (f.line != 0) out << ':' << f.line;
    out << ')';
  }
  if (!f.module.empty() && !f.function.empty()) out << " in " << f.module;
  if (!f.build_id.empty()) out << " build_id=" << f.build_id;
}

void print_profile(std::ostream& out, const otlp_decoded_profile& p, frame_namer& namer) {
  out << "  resource:";
  for (const otlp_attribute& a : p.resource.attributes) {
    out << ' ' << a.key << '=';
    print_value(out, a.value);
  }
  out << "\n  scope: " << p.resource.scope_name << ' ' << p.resource.scope_version << '\n';
  out << "  profile " << p.profile_id << ": sample type " << p.sample_type << ", period "
      << p.profile.period_ns << ' ' << p.period_type << ", start " << p.profile.start_ns
      << " ns, duration " << p.profile.duration_ns << " ns, " << p.profile.samples.size()
      << " samples\n";
  std::size_t n = 0;
  for (const sample& s : p.profile.samples) {
    out << "  sample " << ++n << ": value " << s.count;
    if (s.timestamp_ns != 0) out << " at " << s.timestamp_ns;
    for (const auto& [key, value] : s.labels) out << ' ' << key << '=' << value;
    out << '\n';
    for (std::size_t i = 0; i < s.stack.size(); ++i) {
      out << "    #" << i << ' ';
      print_frame(out, p.profile.frames[s.stack[i]], namer);
      out << '\n';
    }
  }
}

}  // namespace

int otlp_dump(const std::string& path, std::ostream& out, std::ostream& err, name_style names) {
  std::vector<std::vector<otlp_decoded_profile>> requests;
  try {
    requests = read_otlp_file(path);
  } catch (const std::exception& e) {
    err << "coroscope otlp-dump: " << e.what() << '\n';
    return 2;
  }
  frame_namer namer(names);
  out << path << ": " << requests.size() << " request(s)\n";
  for (std::size_t r = 0; r < requests.size(); ++r) {
    out << "request " << r + 1 << ": " << requests[r].size() << " profile(s)\n";
    for (const otlp_decoded_profile& p : requests[r]) print_profile(out, p, namer);
  }
  return 0;
}

}  // namespace coroscope
