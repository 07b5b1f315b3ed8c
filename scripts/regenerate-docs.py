#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Rewrite the generated blocks of the docs from the built program.

    python3 scripts/regenerate-docs.py [BUILD_DIR]

docs/configuration.md embeds `syndicd check --reference`, and
docs/plugins-reference.md embeds `syndicd plugins --describe NAME` of every
built-in plugin (with file: lines as a /usr/local installation prints them).
The end-to-end tests Cli.ConfigurationDocIsCurrent and
Cli.PluginsReferenceDocIsCurrent fail until this is run after a schema
changes. BUILD_DIR defaults to build/.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
BINARY = os.path.join(BUILD, "daemon", "syndicd")
PLUGINS = os.path.join(BUILD, "plugins")
INSTALLED = "/usr/local/lib/syndicd/plugins"


def run(args):
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return out.rstrip("\n")


def replace_block(text, begin, end, body):
    start = text.index(begin) + len(begin)
    return text[:start] + body + text[text.index(end, start):]


def main():
    path = os.path.join(ROOT, "docs", "configuration.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = replace_block(text, "<!-- BEGIN REFERENCE -->\n```\n", "\n```\n<!-- END REFERENCE -->",
                         run([BINARY, "check", "--reference"]))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

    path = os.path.join(ROOT, "docs", "plugins-reference.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for name in re.findall(r"<!-- BEGIN DESCRIBE (\S+) -->", text):
        described = run([BINARY, "plugins", "--plugin-path", PLUGINS, "--describe", name])
        described = described.replace("file: " + PLUGINS + "/", "file: " + INSTALLED + "/")
        text = replace_block(text, "<!-- BEGIN DESCRIBE %s -->\n```\n" % name,
                             "\n```\n<!-- END DESCRIBE %s -->" % name, described)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
