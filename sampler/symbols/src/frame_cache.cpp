// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "frame_cache.hpp"

namespace coroscope::detail {

namespace {

// Copies pool string `id` into `text` unless it shows it already.
void show(std::string& text, std::uint32_t& shown, std::uint32_t id, const std::deque<std::string>& strings) {
  if (shown == id) return;
  text.assign(strings[id]);  // reuses the capacity: no allocation once warmed up
  shown = id;
}

}  // namespace

const std::vector<frame>* frame_cache::get(std::uintptr_t addr) {
  auto it = entries_.find(addr);
  if (it == entries_.end()) return nullptr;
  resize_out(it->second.count);
  for (std::uint32_t i = 0; i < it->second.count; ++i) {
    const compact_frame& c = frames_[it->second.first + i];
    frame& f = out_[i];
    shown_ids& ids = shown_[i];
    show(f.function, ids.function, c.function, strings_);
    show(f.file, ids.file, c.file, strings_);
    show(f.module, ids.module, c.module, strings_);
    show(f.build_id, ids.build_id, c.build_id, strings_);
    f.line = c.line;
    f.address = c.address;
    f.is_task_frame = false;
    f.id = c.id;
  }
  return &out_;
}

const std::vector<frame>& frame_cache::put(std::uintptr_t addr, std::vector<frame> frames, std::size_t max_entries) {
  if (entries_.size() >= max_entries) clear();
  resize_out(0);  // the old answer's buffers go to the spares
  span s{static_cast<std::uint32_t>(frames_.size()), static_cast<std::uint32_t>(frames.size())};
  std::uint64_t id = reserve_frame_ids(frames.size());
  for (frame& f : frames) {
    f.id = id++;
    compact_frame c{f.id, f.address, f.line, intern(f.function), intern(f.file), intern(f.module),
                    intern(f.build_id)};
    frames_.push_back(c);
    shown_.push_back({c.function, c.file, c.module, c.build_id});
  }
  entries_.emplace(addr, s);
  out_ = std::move(frames);
  return out_;
}

void frame_cache::resize_out(std::size_t count) {
  while (out_.size() > count) {
    if (spare_.size() < max_spare) {
      spare_.push_back(std::move(out_.back()));
      spare_shown_.push_back(shown_.back());
    }
    out_.pop_back();
    shown_.pop_back();
  }
  while (out_.size() < count) {
    if (spare_.empty()) {
      out_.emplace_back();
      shown_.emplace_back();
      continue;
    }
    out_.push_back(std::move(spare_.back()));
    shown_.push_back(spare_shown_.back());
    spare_.pop_back();
    spare_shown_.pop_back();
  }
}

void frame_cache::clear() noexcept {
  entries_.clear();
  frames_.clear();
  ids_.clear();
  strings_.clear();
  // The ids are about to be reused.
  shown_.assign(shown_.size(), shown_ids{});
  spare_shown_.assign(spare_shown_.size(), shown_ids{});
}

std::uint32_t frame_cache::intern(const std::string& s) {
  if (strings_.empty()) {
    strings_.emplace_back();
    ids_.emplace(strings_.back(), 0);
  }
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  auto id = static_cast<std::uint32_t>(strings_.size());
  strings_.push_back(s);
  ids_.emplace(strings_.back(), id);
  return id;
}

}  // namespace coroscope::detail
