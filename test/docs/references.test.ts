// The guides point at source and test files ("enforced in", "tested in"): every path must exist,
// and every `file` › A1–A6 reference must name describe blocks that exist in that test file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../package-quality/built-package.js';
import { docsDirectory, guideFiles } from './guide-blocks.js';

const PATH = /`((?:src|test)\/[\w./-]+)`(?: › ([^|`]+))?/g;

/** `A1–A6, ` → ['A1', 'A6']; `H44, H45` → ['H44', 'H45']; `§3.2` → ['§3.2']. */
function describeIds(list: string): string[] {
  return list
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .flatMap((item) => item.split('–'));
}

describe('paths named in the guides', () => {
  for (const guide of guideFiles()) {
    const text = readFileSync(guide, 'utf8');
    const references = [...text.matchAll(PATH)];
    if (references.length === 0) continue;
    it(`${guide.slice(docsDirectory.length + 1)}: every src/ and test/ path exists, with its describe blocks`, () => {
      for (const [, path, list] of references) {
        const file = join(root, path as string);
        expect(existsSync(file), `${path} does not exist`).toBe(true);
        if (list === undefined) continue;
        const source = readFileSync(file, 'utf8');
        for (const id of describeIds(list)) {
          expect(source.includes(`describe('${id}.`) || source.includes(`describe('${id} `), `${path} has no describe "${id}"`).toBe(true);
        }
      }
    });
  }
});

const LINK = /\]\(([^)\s]+)\)/g;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

describe('links between the guides', () => {
  for (const guide of guideFiles()) {
    const text = readFileSync(guide, 'utf8');
    const links = [...text.matchAll(LINK)].map((match) => match[1] as string).filter((target) => !/^https?:/.test(target));
    if (links.length === 0) continue;
    it(`${guide.slice(docsDirectory.length + 1)}: every relative link resolves, anchors included`, () => {
      for (const link of links) {
        const [file, anchor] = link.split('#') as [string, string | undefined];
        const target = file === '' ? guide : join(dirname(guide), file);
        expect(existsSync(target), `${link} does not exist`).toBe(true);
        if (anchor === undefined) continue;
        const headings = [...readFileSync(target, 'utf8').matchAll(/^#+ (.+)$/gm)].map((match) => anchorOf(match[1] as string));
        expect(headings, `${link}: no such heading`).toContain(anchor);
      }
    });
  }
});
