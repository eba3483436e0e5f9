# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
"""Parses a coroscope flamegraph SVG with a real XML parser (so a malformed document
fails) and prints one tab-separated line per frame for the C++ tests:
class, fill, x, y, width, name, details. Then `#note<TAB>text` and `#title<TAB>text`.
With `--json`, prints the whole element tree as JSON instead (for script_check.js)."""
import json
import sys
import xml.etree.ElementTree as ET

NS = {"s": "http://www.w3.org/2000/svg"}


def main(path):
    root = ET.parse(path).getroot()
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        sys.exit("root element is not an SVG <svg>")
    frames = root.find(".//s:g[@id='frames']", NS)
    out = sys.stdout
    for g in frames:
        title = g.find("s:title", NS).text or ""
        rect = g.find("s:rect", NS)
        name, _, details = title.partition("\n")
        out.write("\t".join([g.get("class"), rect.get("fill"), rect.get("x"), rect.get("y"),
                             rect.get("width"), name, details]) + "\n")
    note = root.find(".//s:text[@id='note']", NS)
    if note is not None:
        out.write("#note\t" + "".join(note.itertext()).replace("\n", " ") + "\n")
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        if text.get("class") == "title":
            out.write("#title\t" + (text.text or "") + "\n")


def element_json(e):
    return {"tag": e.tag.split("}")[-1], "attrs": dict(e.attrib), "text": e.text or "",
            "children": [element_json(c) for c in e]}


if __name__ == "__main__":
    if sys.argv[1] == "--json":
        json.dump(element_json(ET.parse(sys.argv[2]).getroot()), sys.stdout)
    else:
        main(sys.argv[1])
