// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QRectF>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "coroscope/console_types.hpp"
#include "coroscope/function_names.hpp"

namespace coroscope::viewer {

/// One frame in a flame tree: `value` samples went through it, `self` stopped in it.
struct FlameNode {
  QString name;
  /// The full function name when `name` is its short form and every frame merged into
  /// this node has that same full name; empty otherwise.
  QString fullName;
  std::uint64_t value = 0;
  std::uint64_t self = 0;
  bool taskFrame = false;  ///< the frame belongs to a task's coroutine
  bool fullNamesDiffer = false;  ///< frames of different full names were merged here
  FlameNode* parent = nullptr;
  std::vector<std::unique_ptr<FlameNode>> children;  ///< sorted by name after `finish`

  FlameNode* child(const QString& childName);
  /// Names from the root's first child down to this node.
  QStringList path() const;
};

/// A tree of stacks, root first, merged by frame name. Move-only.
class FlameTree {
 public:
  FlameTree();
  FlameTree(FlameTree&&) noexcept = default;
  FlameTree& operator=(FlameTree&&) noexcept = default;

  /// Parses collapsed stacks, one `frame;frame;frame count` per line (blank lines
  /// ignored). Returns nullopt and sets `error` (naming the line) on a malformed line.
  static std::optional<FlameTree> fromCollapsed(const QString& text, QString* error = nullptr);
  /// Merges the console's aggregated samples; with `task`, only that task's samples.
  /// Functions are named in `names`: short (`handle_request<...>`, the default) or by
  /// their full signatures, as the probe sends them; task frames keep their names.
  static FlameTree fromSamples(const std::vector<cpu_stack_sample>& samples,
                               std::optional<std::uint64_t> task = std::nullopt,
                               name_style names = name_style::short_names);

  /// Adds `count` samples of one stack (root first). `fullNames`, when given, holds each
  /// frame's full name where `frames` holds a short one (an empty string elsewhere).
  void add(const QStringList& frames, std::uint64_t count, const std::vector<bool>& taskFrames = {},
           const QStringList& fullNames = {});
  /// Sorts children by name; call after the last `add`.
  void finish();
  const FlameNode& root() const { return *m_root; }
  /// The node at `path` (as `FlameNode::path` gives it), or null.
  const FlameNode* find(const QStringList& path) const;
  /// Deepest stack (the root is depth 0).
  int depth() const;

 private:
  std::unique_ptr<FlameNode> m_root;
};

/// One painted box.
struct FlameBox {
  QRectF rect;
  const FlameNode* node = nullptr;
  int depth = 0;
};

/// Lays out `root` top-down (root on row 0) across `width`: each node as wide as its
/// share of its parent. With `zoom`, the zoomed node and its ancestors span the full
/// width and only the zoomed node's subtree is shown below it. Boxes narrower than
/// `minWidth` (and their subtrees) are left out.
std::vector<FlameBox> layoutFlamegraph(const FlameNode& root, const FlameNode* zoom, double width,
                                       double rowHeight, double minWidth = 1.0);

}  // namespace coroscope::viewer
