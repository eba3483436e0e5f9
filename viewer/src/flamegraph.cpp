// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "flamegraph.hpp"

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>

namespace coroscope::viewer {

FlameNode* FlameNode::child(const QString& childName) {
  for (auto& c : children)
    if (c->name == childName) return c.get();
  children.push_back(std::make_unique<FlameNode>());
  FlameNode* c = children.back().get();
  c->name = childName;
  c->parent = this;
  return c;
}

QStringList FlameNode::path() const {
  QStringList out;
  for (const FlameNode* n = this; n && n->parent; n = n->parent) out.prepend(n->name);
  return out;
}

FlameTree::FlameTree() : m_root(std::make_unique<FlameNode>()) {
  m_root->name = QStringLiteral("all");
}

void FlameTree::add(const QStringList& frames, std::uint64_t count,
                    const std::vector<bool>& taskFrames, const QStringList& fullNames) {
  FlameNode* node = m_root.get();
  node->value += count;
  for (qsizetype i = 0; i < frames.size(); ++i) {
    node = node->child(frames[i]);
    const QString full = i < fullNames.size() ? fullNames[i] : QString();
    if (node->value == 0) {
      node->fullName = full;
    } else if (node->fullName != full) {
      node->fullNamesDiffer = true;
    }
    if (node->fullNamesDiffer) node->fullName.clear();
    node->value += count;
    if (std::size_t(i) < taskFrames.size() && taskFrames[std::size_t(i)]) node->taskFrame = true;
  }
  node->self += count;
}

void FlameTree::finish() {
  std::function<void(FlameNode&)> sort = [&](FlameNode& n) {
    std::sort(n.children.begin(), n.children.end(),
              [](const auto& a, const auto& b) { return a->name < b->name; });
    for (auto& c : n.children) sort(*c);
  };
  sort(*m_root);
}

std::optional<FlameTree> FlameTree::fromCollapsed(const QString& text, QString* error) {
  FlameTree tree;
  const auto lines = text.split(QLatin1Char('\n'));
  for (qsizetype i = 0; i < lines.size(); ++i) {
    const QString line = lines[i].trimmed();
    if (line.isEmpty()) continue;
    const auto space = line.lastIndexOf(QLatin1Char(' '));
    bool ok = false;
    const auto count = space > 0 ? line.mid(space + 1).toULongLong(&ok) : 0;
    const QString stack = space > 0 ? line.left(space).trimmed() : QString();
    if (!ok || stack.isEmpty()) {
      if (error) *error = QStringLiteral("line %1: expected \"frame;frame count\"").arg(i + 1);
      return std::nullopt;
    }
    tree.add(stack.split(QLatin1Char(';')), count);
  }
  tree.finish();
  return tree;
}

FlameTree FlameTree::fromSamples(const std::vector<cpu_stack_sample>& samples,
                                 std::optional<std::uint64_t> task, name_style names) {
  FlameTree tree;
  // The probe sends full names; each distinct one is shortened once. Per full name: the
  // short name, and the full name when it differs.
  std::unordered_map<std::string, std::pair<QString, QString>> shortNames;
  QStringList frames;
  QStringList fullNames;
  for (const auto& s : samples) {
    if (task && s.task_id != *task) continue;
    frames.clear();
    fullNames.clear();
    for (std::size_t i = 0; i < s.frames.size(); ++i) {
      const std::string& f = s.frames[i];
      const bool taskFrame = i < s.is_task_frame.size() && s.is_task_frame[i];
      if (taskFrame || names == name_style::full_names) {
        frames << QString::fromStdString(f);
        fullNames << QString();
        continue;
      }
      auto it = shortNames.find(f);
      if (it == shortNames.end()) {
        const std::string shortName = short_function_name(f);
        it = shortNames
                 .emplace(f, std::pair{QString::fromStdString(shortName),
                                       shortName == f ? QString() : QString::fromStdString(f)})
                 .first;
      }
      frames << it->second.first;
      fullNames << it->second.second;
    }
    tree.add(frames, s.count, s.is_task_frame, fullNames);
  }
  tree.finish();
  return tree;
}

const FlameNode* FlameTree::find(const QStringList& path) const {
  const FlameNode* node = m_root.get();
  for (const auto& name : path) {
    const auto it = std::find_if(node->children.begin(), node->children.end(),
                                 [&](const auto& c) { return c->name == name; });
    if (it == node->children.end()) return nullptr;
    node = it->get();
  }
  return node;
}

int FlameTree::depth() const {
  std::function<int(const FlameNode&)> d = [&](const FlameNode& n) {
    int deepest = 0;
    for (const auto& c : n.children) deepest = std::max(deepest, 1 + d(*c));
    return deepest;
  };
  return d(*m_root);
}

std::vector<FlameBox> layoutFlamegraph(const FlameNode& root, const FlameNode* zoom, double width,
                                       double rowHeight, double minWidth) {
  std::vector<FlameBox> boxes;
  if (root.value == 0 || width <= 0) return boxes;
  const FlameNode* top = zoom ? zoom : &root;
  // The zoomed node's ancestors (and itself) span the whole width.
  std::vector<const FlameNode*> chain;
  for (const FlameNode* n = top; n; n = n->parent) chain.push_back(n);
  std::reverse(chain.begin(), chain.end());
  for (std::size_t d = 0; d < chain.size(); ++d)
    boxes.push_back({QRectF(0, double(d) * rowHeight, width, rowHeight), chain[d], int(d)});
  if (top->value == 0) return boxes;
  const double scale = width / double(top->value);
  std::function<void(const FlameNode&, double, int)> place = [&](const FlameNode& n, double x, int depth) {
    for (const auto& c : n.children) {
      const double w = double(c->value) * scale;
      if (w >= minWidth) {
        boxes.push_back({QRectF(x, double(depth) * rowHeight, w, rowHeight), c.get(), depth});
        place(*c, x, depth + 1);
      }
      x += w;
    }
  };
  place(*top, 0, int(chain.size()));
  return boxes;
}

}  // namespace coroscope::viewer
