// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Runs a flamegraph SVG's inline script against a minimal DOM built from the JSON that
// `svg_frames.py --json` prints, then drives it like a user: hover, click to zoom, Escape,
// search. Prints one line per check, "ok ..." or "FAIL ..."; exits 1 on any failure.
// Usage: node script_check.js TREE.json HOT_NAME ZOOM_NAME OUTSIDE_NAME
"use strict";
const fs = require("fs");
const [treeFile, hotName, zoomName, outsideName] = process.argv.slice(2);
const tree = JSON.parse(fs.readFileSync(treeFile, "utf8"));

class Element {
  constructor(json, parent) {
    this.tagName = json.tag;
    this.attrs = Object.assign({}, json.attrs);
    this.ownText = json.text;
    this.parentNode = parent;
    this.listeners = {};
    this.children = json.children.map((c) => new Element(c, this));
    const self = this;
    this.classList = {
      list() { return (self.attrs.class || "").split(/\s+/).filter(Boolean); },
      set(l) { self.attrs.class = l.join(" "); },
      add(...names) { this.set([...new Set(this.list().concat(names))]); },
      remove(...names) { this.set(this.list().filter((n) => !names.includes(n))); },
      contains(name) { return this.list().includes(name); },
    };
  }
  getAttribute(name) { return name in this.attrs ? this.attrs[name] : null; }
  setAttribute(name, value) { this.attrs[name] = String(value); }
  get textContent() { return this.ownText + this.children.map((c) => c.textContent).join(""); }
  set textContent(value) { this.ownText = String(value); this.children = []; }
  getElementsByTagName(tag) {
    const found = [];
    const walk = (e) => e.children.forEach((c) => { if (c.tagName === tag) found.push(c); walk(c); });
    walk(this);
    return found;
  }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  dispatch(type, evt) {
    evt.target = evt.target || this;
    evt.preventDefault = () => {};
    for (let e = this; e; e = e.parentNode) (e.listeners[type] || []).forEach((fn) => fn(evt));
    (windowListeners[type] || []).forEach((fn) => fn(evt));
  }
}

const root = new Element(tree, null);
const byId = (id) => { const all = [root, ...root.getElementsByTagName("g"), ...root.getElementsByTagName("text")];
                       return all.find((e) => e.attrs.id === id) || null; };
const windowListeners = {};
let promptAnswer = null;
const window = { addEventListener: (t, fn) => (windowListeners[t] = windowListeners[t] || []).push(fn),
                 prompt: () => promptAnswer };
const document = { documentElement: root, getElementById: byId };
const script = root.getElementsByTagName("script")[0].textContent;
new Function("window", "document", script)(window, document);

let failures = 0;
function check(ok, what) { console.log((ok ? "ok " : "FAIL ") + what); if (!ok) failures++; }
const near = (a, b) => Math.abs(a - b) < 0.02;
const frames = byId("frames").children;
const frame = (name) => frames.find((g) => g.getElementsByTagName("title")[0].textContent.split("\n")[0] === name);
const rect = (name) => frame(name).getElementsByTagName("rect")[0];
const W = +root.getAttribute("data-plot-width"), PAD = +root.getAttribute("data-margin");
const width = (name) => +rect(name).getAttribute("width");

check(typeof window.coroscopeFlame === "object", "script initialised");
rect(hotName).dispatch("mouseover", {});
check(byId("details").textContent.startsWith(hotName + " | "), "hover shows the frame: " + byId("details").textContent);
rect(hotName).dispatch("mouseout", {});
check(byId("details").textContent === " ", "mouseout clears the details");

const before = { hot: width(hotName), zoom: width(zoomName), outside: width(outsideName), all: width("all") };
rect(zoomName).dispatch("click", {});
check(near(width(zoomName), W) && near(+rect(zoomName).getAttribute("x"), PAD), "zoomed frame fills the width");
check(near(width(hotName), before.hot * W / before.zoom), "child scaled with the zoom");
check(frame(outsideName).classList.contains("hide"), "frame outside the zoom hidden");
check(frame("all").classList.contains("parent") && near(width("all"), W), "root dimmed as an ancestor");
check(!byId("unzoom").classList.contains("hide"), "reset button shown");
window.coroscopeFlame.unzoom();
check(near(width(hotName), before.hot) && !frame(outsideName).classList.contains("hide"), "reset restores the layout");
rect(zoomName).dispatch("click", {});
root.dispatch("keydown", { key: "Escape" });
check(near(width(zoomName), before.zoom) && byId("unzoom").classList.contains("hide"), "Escape zooms out");

promptAnswer = "^" + hotName + "$";
root.dispatch("keydown", { key: "/" });
const share = (100 * before.hot / before.all).toFixed(2);
check(byId("matched").textContent === "Matched: " + share + "%", "search by '/': " + byId("matched").textContent);
check(rect(hotName).getAttribute("fill") === "rgb(230,0,230)", "match highlighted");
promptAnswer = ".";  // every frame: nested matches count once
root.dispatch("keydown", { key: "f", ctrlKey: true });
check(byId("matched").textContent === "Matched: 100.00%", "Ctrl+F, overlapping matches: " + byId("matched").textContent);
promptAnswer = "";
byId("search").dispatch("click", {});
check(byId("matched").textContent === "" && rect(hotName).getAttribute("fill") !== "rgb(230,0,230)", "empty search resets");
process.exit(failures ? 1 : 0);
