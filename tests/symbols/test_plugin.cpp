// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Loaded with dlopen by symbolizer_test.cpp: a module the symbolizer cannot have seen.
namespace coroscope_test_plugin {

__attribute__((noinline)) int plugin_work(int x) {
  int sum = 0;
  for (int i = 0; i < x; ++i) sum += i * x;
  return sum;
}

}  // namespace coroscope_test_plugin

extern "C" __attribute__((visibility("default"))) void* coroscope_test_plugin_entry() {
  return reinterpret_cast<void*>(&coroscope_test_plugin::plugin_work);
}
