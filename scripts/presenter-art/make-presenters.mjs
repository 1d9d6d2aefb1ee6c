// Writes the built-in presenters' parts (SVG, one shared canvas per presenter) and their manifests into
// src/Reelgen.Rendering/Presenters/. Run once by hand after changing a presenter: scripts/presenter-art/make.sh.
// The art is Open Peeps by Pablo Stanley (CC0 1.0) as packaged by DiceBear; mouths are drawn by Reelgen in code.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from '@dicebear/open-peeps';

// The package exports only its whole-figure function; its parts are read from its own files.
const lib = path.join(path.dirname(fileURLToPath(import.meta.resolve('@dicebear/open-peeps'))), 'components');
const { head } = await import(path.join(lib, 'head.js'));
const { face } = await import(path.join(lib, 'face.js'));
const { facialHair } = await import(path.join(lib, 'facialHair.js'));
const { accessories } = await import(path.join(lib, 'accessories.js'));

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../src/Reelgen.Rendering/Presenters');

// Canvas: Open Peeps' 704-wide square, extended down to the chest and shifted down so tall hair fits.
const W = 704, H = 860, SHIFT = 40;

const presenters = [
  { name: 'karen', skin: 'edb98a', hair: 'long', hairColor: '6a3b22', clothing: 'c2185b' },
  { name: 'ryan', skin: 'ffdbb4', hair: 'short2', hairColor: 'b58143', clothing: '2f5fa8' },
  { name: 'omar', skin: 'ae5d29', hair: 'short3', hairColor: '2c1b18', clothing: '2e7d4f', facialHair: 'chin' },
  { name: 'sofia', skin: 'd08b5b', hair: 'bun', hairColor: '3b2219', clothing: '6a3d9a' },
  { name: 'lena', skin: 'ffdbb4', hair: 'mediumStraight', hairColor: 'd6b370', clothing: 'ef8a3c' },
  { name: 'marc', skin: 'edb98a', hair: 'pomp', hairColor: '4a312c', clothing: '1f8a96', accessories: 'glasses' },
  { name: 'amara', skin: '694d3d', hair: 'bantuKnots', hairColor: '1e1412', clothing: 'e0b43a' },
  { name: 'kenji', skin: 'f1c8a0', hair: 'short1', hairColor: '1b1b1b', clothing: '394a6d', accessories: 'glasses2' },
  { name: 'grace', skin: 'ffdbb4', hair: 'grayBun', hairColor: 'c9c4c4', clothing: '8f7bb8', accessories: 'glasses4' },
  { name: 'samuel', skin: '694d3d', hair: 'grayShort', hairColor: 'b8b2ad', clothing: '7a2e3b', facialHair: 'moustache1' },
];

// A face of Open Peeps is one path holding brows, eyes, nose and mouth. Its subpaths each close before the next
// starts, so a relative move after a close is relative to the previous subpath's start; sort them by where they start.
function subpaths(d) {
  const parts = d.split(/(?=[Mm])/).filter((p) => p.trim());
  let start = [0, 0];
  return parts.map((p) => {
    const nums = p.slice(1).match(/-?\d*\.?\d+/g).map(Number);
    const [x, y] = p[0] === 'M' ? [nums[0], nums[1]] : [start[0] + nums[0], start[1] + nums[1]];
    start = [x, y];
    // Pairs right after a move are line-tos, relative after 'm', so they become an explicit 'l' after the new 'M'.
    const rest = p.slice(1).replace(/^\s*-?\d*\.?\d+[\s,]*-?\d*\.?\d+/, '').replace(/^[\s,]*(?=[-\d.])/, p[0] === 'm' ? 'l' : 'L');
    return { x, y, d: `M${+x.toFixed(2)} ${+y.toFixed(2)}${rest}` };
  });
}
function region(sub) {
  if (sub.y < 90) return 'brows';
  if (sub.y < 140) return 'eyes';
  if (sub.y < 190) return 'nose';
  return 'mouth';
}
function facePart(name, wanted) {
  let result = '';
  for (const [, d, fill] of face[name]({}, {}).matchAll(/<path[^>]* d="([^"]+)" fill="([^"]+)"\/>/g)) {
    const paths = subpaths(d).filter((s) => region(s) === wanted);
    if (paths.length)
      result += `<path fill-rule="evenodd" clip-rule="evenodd" fill="${fill}" d="${paths.map((p) => p.d).join('')}"/>`;
  }
  return result;
}
const svg = (inner) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" fill="none"><g transform="translate(0 ${SHIFT})">${inner}</g></svg>\n`;
const atFace = (inner) => `<g transform="translate(315 248)">${inner}</g>`;

const brightness = (hex) => (parseInt(hex.slice(0, 2), 16) + parseInt(hex.slice(2, 4), 16) + parseInt(hex.slice(4, 6), 16)) / 3;

for (const p of presenters) {
  const colors = { skin: `#${p.skin}`, clothing: `#${p.clothing}`, headContrast: `#${p.hairColor}` };
  const whole = create({ prng: { pick: (a) => a[0], bool: () => false, integer: () => 0 }, options: {
    skinColor: [p.skin], clothingColor: [p.clothing], headContrastColor: [p.hairColor],
    head: [p.hair], face: ['smile'], accessoriesProbability: 0, facialHairProbability: 0, maskProbability: 0,
  } }).body;
  // The body is the first group of the whole figure: neck, shoulders and clothes.
  const body = whole.slice(0, whole.indexOf('</g>') + 4);
  const dir = path.join(out, p.name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'body.svg'), svg(body));
  fs.writeFileSync(path.join(dir, 'head.svg'), svg(
    `<g transform="matrix(.99789 0 0 1 156 62)">${head[p.hair]({}, colors)}</g>` + atFace(facePart('smile', 'nose'))));
  fs.writeFileSync(path.join(dir, 'eyes-open.svg'), svg(atFace(facePart('explaining', 'eyes'))));
  fs.writeFileSync(path.join(dir, 'eyes-closed.svg'), svg(atFace(facePart('eyesClosed', 'eyes'))));
  fs.writeFileSync(path.join(dir, 'brows.svg'), svg(atFace(facePart('smile', 'brows'))));
  let front = '';
  if (p.facialHair) front += `<g transform="translate(279 400)">${facialHair[p.facialHair]({}, colors)}</g>`;
  if (p.accessories) front += `<g transform="translate(203 303)">${accessories[p.accessories]({}, colors)}</g>`;
  const parts = { body: 'body.svg', head: 'head.svg', eyesOpen: 'eyes-open.svg', eyesClosed: 'eyes-closed.svg', brows: 'brows.svg' };
  if (front) {
    fs.writeFileSync(path.join(dir, 'front.svg'), svg(front));
    parts.front = 'front.svg';
  }
  const manifest = {
    canvas: { width: W, height: H },
    parts,
    // Open Peeps draws most hair in solid ink; Reelgen draws it in this colour, the lines kept black. The grey styles
    // carry their colour in the art already, and near-black hair stays ink.
    ...(!p.hair.startsWith('gray') && brightness(p.hairColor) > 35 ? { hairColor: `#${p.hairColor}` } : {}),
    // Where Reelgen draws the mouth shapes: the mouth's centre and width on the canvas, and its colours.
    mouth: { x: 315 + 160, y: 248 + 234 + SHIFT, width: 78 },
    // The head turns about this point when it nods.
    neck: { x: 400, y: 560 + SHIFT },
  };
  fs.writeFileSync(path.join(dir, 'presenter.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'LICENSE.md'), `# ${p.name}: art and licence

The SVG files in this folder are drawn from **Open Peeps** by Pablo Stanley (https://www.openpeeps.com/), as
packaged in \`@dicebear/open-peeps\` 9.4.3 (design files: CC0 1.0, https://creativecommons.org/publicdomain/zero/1.0/;
the package's code, not included here, is MIT). They were written by \`scripts/presenter-art/make-presenters.mjs\`
with skin #${p.skin}, hair \`${p.hair}\` #${p.hairColor}, clothing #${p.clothing}${p.facialHair ? `, facial hair \`${p.facialHair}\`` : ''}${p.accessories ? `, \`${p.accessories}\`` : ''}.
The mouth shapes are drawn by Reelgen in code (\`src/Reelgen.Rendering/PresenterArt.cs\`).
`);
}
console.log(`wrote ${presenters.length} presenters to ${out}`);
