// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include "flamegraph.hpp"
#include "flamegraphwidget.hpp"

namespace coroscope::viewer {
namespace {

FlameTree flame_tree_of(const char* text) {
  QString error;
  auto tree = FlameTree::fromCollapsed(QString::fromUtf8(text), &error);
  EXPECT_TRUE(tree.has_value()) << error.toStdString();
  return tree ? std::move(*tree) : FlameTree{};
}

const FlameBox* boxNamed(const std::vector<FlameBox>& boxes, const QString& name, int depth) {
  for (const auto& b : boxes)
    if (b.node->name == name && b.depth == depth) return &b;
  return nullptr;
}

TEST(FlameTree, MergesCollapsedStacks) {
  const FlameTree t = flame_tree_of("main;run;poll 6\nmain;run;park 2\nmain;idle 2\n\nmain;run;poll 2\n");
  EXPECT_EQ(t.root().value, 12u);
  ASSERT_EQ(t.root().children.size(), 1u);
  const FlameNode* run = t.find({"main", "run"});
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->value, 10u);
  ASSERT_EQ(run->children.size(), 2u);
  EXPECT_EQ(run->children[0]->name, "park");  // sorted by name
  EXPECT_EQ(t.find({"main", "run", "poll"})->value, 8u);
  EXPECT_EQ(t.find({"main", "run", "poll"})->self, 8u);
  EXPECT_EQ(t.find({"main", "nope"}), nullptr);
  EXPECT_EQ(t.depth(), 3);
  EXPECT_EQ(t.find({"main", "run", "poll"})->path(), (QStringList{"main", "run", "poll"}));
}

TEST(FlameTree, RejectsMalformedLines) {
  QString error;
  EXPECT_FALSE(FlameTree::fromCollapsed("a;b 3\na;b three\n", &error).has_value());
  EXPECT_TRUE(error.contains("line 2"));
  EXPECT_FALSE(FlameTree::fromCollapsed("no-count\n", &error).has_value());
}

TEST(FlameTree, FromSamplesFiltersByTask) {
  const std::vector<cpu_stack_sample> samples = {
      {{"main", "worker", "session"}, {false, false, true}, 5, 7},
      {{"main", "worker", "timer"}, {false, false, true}, 3, 8},
      {{"main", "collector"}, {}, 2, 0}};
  const FlameTree all = FlameTree::fromSamples(samples);
  EXPECT_EQ(all.root().value, 10u);
  EXPECT_TRUE(all.find({"main", "worker", "session"})->taskFrame);
  EXPECT_FALSE(all.find({"main", "worker"})->taskFrame);
  const FlameTree one = FlameTree::fromSamples(samples, 7);
  EXPECT_EQ(one.root().value, 5u);
  EXPECT_EQ(one.find({"main", "worker", "timer"}), nullptr);
}

// Issue 14: the console's flamegraph names functions short unless asked for full names;
// the full signature is kept for the tooltip when the merged frames agree on it.
TEST(FlameTree, FromSamplesNamesFunctionsShortOrFull) {
  const std::string handler =
      "boost::asio::awaitable<void, boost::asio::any_io_executor> (anonymous namespace)::handle_request<int>(int)";
  const std::vector<cpu_stack_sample> samples = {
      {{"main", "audit", handler, "ns::parse(int)"}, {false, true, false, false}, 5, 7},
      {{"main", "audit", handler, "ns::parse(double)"}, {false, true, false, false}, 3, 7},
      {{"main", "my::task<int>(int)"}, {false, true}, 2, 8}};
  const FlameTree tree = FlameTree::fromSamples(samples);
  const FlameNode* request = tree.find({"main", "audit", "handle_request<...>"});
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->fullName, QString::fromStdString(handler));
  const FlameNode* parse = tree.find({"main", "audit", "handle_request<...>", "ns::parse"});
  ASSERT_NE(parse, nullptr) << "the two overloads are one frame";
  EXPECT_EQ(parse->value, 8u);
  EXPECT_TRUE(parse->fullName.isEmpty()) << "its frames disagree on the signature";
  EXPECT_NE(tree.find({"main", "my::task<int>(int)"}), nullptr) << "task frames keep their names";
  EXPECT_TRUE(tree.find({"main"})->fullName.isEmpty());

  const FlameTree full = FlameTree::fromSamples(samples, std::nullopt, name_style::full_names);
  EXPECT_EQ(full.find({"main", "audit", "handle_request<...>"}), nullptr);
  EXPECT_NE(full.find({"main", "audit", QString::fromStdString(handler), "ns::parse(int)"}), nullptr);
  EXPECT_NE(full.find({"main", "audit", QString::fromStdString(handler), "ns::parse(double)"}), nullptr);
}

TEST(FlameLayout, WidthsAreSharesOfTheParent) {
  const FlameTree t = flame_tree_of("A;B;C 5\nA;B;D 3\nA;E 2\n");
  const auto boxes = layoutFlamegraph(t.root(), nullptr, 1000, 10);
  const FlameBox* root = boxNamed(boxes, "all", 0);
  ASSERT_NE(root, nullptr);
  EXPECT_DOUBLE_EQ(root->rect.width(), 1000);
  const FlameBox* a = boxNamed(boxes, "A", 1);
  const FlameBox* b = boxNamed(boxes, "B", 2);
  const FlameBox* c = boxNamed(boxes, "C", 3);
  const FlameBox* d = boxNamed(boxes, "D", 3);
  const FlameBox* e = boxNamed(boxes, "E", 2);
  ASSERT_TRUE(a && b && c && d && e);
  EXPECT_DOUBLE_EQ(a->rect.width(), 1000);
  EXPECT_DOUBLE_EQ(b->rect.width(), 800);
  EXPECT_DOUBLE_EQ(c->rect.width(), 500);
  EXPECT_DOUBLE_EQ(d->rect.left(), 500);
  EXPECT_DOUBLE_EQ(d->rect.width(), 300);
  EXPECT_DOUBLE_EQ(e->rect.left(), 800);
  EXPECT_DOUBLE_EQ(c->rect.top(), 30);
  EXPECT_EQ(boxes.size(), 6u);
}

TEST(FlameLayout, ZoomSpansTheZoomedFrameAndDropsItsSiblings) {
  const FlameTree t = flame_tree_of("A;B;C 5\nA;B;D 3\nA;E 2\n");
  const auto boxes = layoutFlamegraph(t.root(), t.find({"A", "B"}), 800, 10);
  EXPECT_DOUBLE_EQ(boxNamed(boxes, "B", 2)->rect.width(), 800);
  EXPECT_DOUBLE_EQ(boxNamed(boxes, "C", 3)->rect.width(), 500);
  EXPECT_DOUBLE_EQ(boxNamed(boxes, "D", 3)->rect.width(), 300);
  EXPECT_EQ(boxNamed(boxes, "E", 2), nullptr);
}

TEST(FlameLayout, NarrowBoxesAreLeftOut) {
  const FlameTree t = flame_tree_of("A;big 999\nA;tiny;deeper 1\n");
  const auto boxes = layoutFlamegraph(t.root(), nullptr, 100, 10, 1.0);
  EXPECT_NE(boxNamed(boxes, "big", 2), nullptr);
  EXPECT_EQ(boxNamed(boxes, "tiny", 2), nullptr);
  EXPECT_EQ(boxNamed(boxes, "deeper", 3), nullptr);
  EXPECT_TRUE(layoutFlamegraph(FlameTree{}.root(), nullptr, 100, 10).empty());
}

TEST(FlamegraphWidget, ClickZoomsAndZoomSurvivesNewData) {
  FlamegraphWidget w;
  w.resize(1000, 200);
  w.setTree(flame_tree_of("A;B;C 5\nA;B;D 3\nA;E 2\n"));
  QSignalSpy zoomed(&w, &FlamegraphWidget::zoomChanged);
  const double row = FlamegraphWidget::kRowHeight;
  // E sits at x 800..1000 on row 2.
  QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(900, int(2.5 * row)));
  ASSERT_EQ(zoomed.count(), 1);
  EXPECT_EQ(w.zoomPath(), (QStringList{"A", "E"}));
  const FlameBox* e = w.boxAt(QPointF(10, 2.5 * row));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->node->name, "E");
  EXPECT_DOUBLE_EQ(e->rect.width(), 1000);

  w.setTree(flame_tree_of("A;B;C 50\nA;E 20\n"));  // a live update keeps the zoom
  EXPECT_EQ(w.zoomPath(), (QStringList{"A", "E"}));
  w.setTree(flame_tree_of("A;B;C 50\n"));  // E is gone: back to the root
  EXPECT_TRUE(w.zoomPath().isEmpty());

  w.setTree(flame_tree_of("A;B;C 5\nA;E 5\n"));
  QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(100, int(3.5 * row)));
  EXPECT_EQ(w.zoomPath(), (QStringList{"A", "B", "C"}));
  QTest::keyClick(&w, Qt::Key_Escape);
  EXPECT_TRUE(w.zoomPath().isEmpty());
  w.grab();  // paints without trouble
}

}  // namespace
}  // namespace coroscope::viewer
