// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/report.hpp>

#include "flamegraph_svg.hpp"  // format_cpu, format_percent

#include <algorithm>
#include <cstdio>
#include <unordered_map>

namespace coroscope {
namespace {

double percent_of(std::int64_t value, std::int64_t total) {
  return total > 0 ? 100.0 * static_cast<double>(value) / static_cast<double>(total) : 0.0;
}

// Keeps the rows at or over the threshold, then the first `limit`; counts the rest.
template <typename Row, typename Percent>
std::size_t keep_top(std::vector<Row>& rows, const top_options& options, Percent percent) {
  const std::size_t before = rows.size();
  std::erase_if(rows, [&](const Row& r) { return percent(r) < options.percent_threshold; });
  if (options.limit != 0 && rows.size() > options.limit) rows.resize(options.limit);
  return before - rows.size();
}

std::string format_value(std::int64_t value, sample_weight weight) {
  return weight == sample_weight::cpu_ns ? detail::format_cpu(value) : std::to_string(value);
}

void append_row(std::string& out, const char* format, auto... args) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, format, args...);
  out += buffer;
}

}  // namespace

top_result top_report(const cpu_profile& profile, const top_options& options) {
  check_stacks(profile);
  top_result result;
  result.weight = options.weight;

  std::unordered_map<std::string, std::size_t> function_index;
  std::vector<std::size_t> last_sample;  // per function: the last sample that counted it in cum
  std::unordered_map<std::string, std::int64_t> task_values;
  std::vector<function_row>& functions = result.functions;
  frame_namer namer(options.names);

  for (std::size_t i = 0; i < profile.samples.size(); ++i) {
    const sample& s = profile.samples[i];
    const std::int64_t w = weight_of(s, options.weight);
    if (w == 0) continue;
    result.total += w;
    auto task = s.labels.find(options.task_label);
    task_values[task == s.labels.end() ? std::string(no_task_name) : task->second] += w;
    for (std::size_t depth = 0; depth < s.stack.size(); ++depth) {
      const frame& f = profile.frames[s.stack[depth]];
      if (f.is_task_frame) continue;
      auto [it, inserted] = function_index.try_emplace(namer.name(f), functions.size());
      if (inserted) {
        functions.push_back({it->first});
        last_sample.push_back(SIZE_MAX);
      }
      function_row& row = functions[it->second];
      if (depth == 0) row.flat += w;
      if (last_sample[it->second] != i) {
        last_sample[it->second] = i;
        row.cum += w;
      }
    }
  }

  for (function_row& row : functions) {
    row.flat_percent = percent_of(row.flat, result.total);
    row.cum_percent = percent_of(row.cum, result.total);
  }
  std::sort(functions.begin(), functions.end(), [](const function_row& a, const function_row& b) {
    if (a.flat != b.flat) return a.flat > b.flat;
    if (a.cum != b.cum) return a.cum > b.cum;
    return a.name < b.name;
  });
  result.hidden_functions = keep_top(functions, options, [](const function_row& r) { return r.cum_percent; });

  for (auto& [task, value] : task_values) result.tasks.push_back({task, value, percent_of(value, result.total)});
  std::sort(result.tasks.begin(), result.tasks.end(), [](const task_row& a, const task_row& b) {
    return a.value != b.value ? a.value > b.value : a.task < b.task;
  });
  result.hidden_tasks = keep_top(result.tasks, options, [](const task_row& r) { return r.percent; });
  return result;
}

std::string format_top(const top_result& result, const top_options& options) {
  const char* unit = result.weight == sample_weight::cpu_ns ? "CPU time" : "samples";
  const std::string total = format_value(result.total, result.weight);
  std::string out;
  if (!options.tasks_only) {
    append_row(out, "Hot functions: %zu shown, %zu hidden (cum under %.2f%% or past the limit); total %s %s\n",
               result.functions.size(), result.hidden_functions, options.percent_threshold, total.c_str(), unit);
    append_row(out, "%12s %7s %7s %12s %7s  %s\n", "flat", "flat%", "sum%", "cum", "cum%", "function");
    double sum = 0;
    for (const function_row& row : result.functions) {
      sum += row.flat_percent;
      append_row(out, "%12s %6.2f%% %6.2f%% %12s %6.2f%%  ", format_value(row.flat, result.weight).c_str(),
                 row.flat_percent, sum, format_value(row.cum, result.weight).c_str(), row.cum_percent);
      out += row.name;  // names can be longer than any fixed buffer
      out += '\n';
    }
    out += '\n';
  }
  append_row(out, "Hot tasks (label \"%s\"): %zu shown, %zu hidden; total %s %s\n", options.task_label.c_str(),
             result.tasks.size(), result.hidden_tasks, total.c_str(), unit);
  append_row(out, "%12s %7s  %s\n", "value", "%", "task");
  for (const task_row& row : result.tasks) {
    append_row(out, "%12s %6.2f%%  ", format_value(row.value, result.weight).c_str(), row.percent);
    out += row.task;
    out += '\n';
  }
  return out;
}

}  // namespace coroscope
