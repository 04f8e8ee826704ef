/**
 * The descriptive attributes of a SEG being written: each segment's item (kept from a template segment, or made
 * from the label table), and the patient, study and frame-of-reference attributes copied from the CT.
 */
import type { LabelInfo } from '../../nifti';
import { rgbToCielab } from './cielab';
import type { Elem, Item, VR } from './encoder';
import { items, str, us, type DataSet } from './lib';

/** A segment's attributes the writer carries over from a template, with their VRs. */
const SEGMENT_STRINGS: [number, VR][] = [
  [0x00620005, 'LO'], // Segment Label
  [0x00620006, 'ST'], // Segment Description
  [0x00620008, 'CS'], // Segment Algorithm Type
  [0x00620009, 'LO'], // Segment Algorithm Name
  [0x00620020, 'UT'], // Tracking ID
  [0x00620021, 'UI'], // Tracking UID
];
const SEGMENT_CODE_SEQUENCES = [0x00620003, 0x0062000f, 0x00620011, 0x00082218, 0x00082220];
const CODE_STRINGS: [number, VR][] = [
  [0x00080100, 'SH'], // Code Value
  [0x00080102, 'SH'], // Coding Scheme Designator
  [0x00080103, 'SH'], // Coding Scheme Version
  [0x00080104, 'LO'], // Code Meaning
  [0x00080119, 'UC'], // Long Code Value
  [0x00080120, 'UR'], // URN Code Value
];

function tag(t: number): string {
  return `x${t.toString(16).padStart(8, '0')}`;
}

function copyStrings(ds: DataSet, list: [number, VR][]): Elem[] {
  const out: Elem[] = [];
  for (const [t, vr] of list) {
    const v = str(ds, tag(t));
    if (v !== undefined) out.push({ tag: t, vr, value: v });
  }
  return out;
}

function codeItem(value: string, scheme: string, meaning: string): Item {
  return [
    { tag: 0x00080100, vr: 'SH', value },
    { tag: 0x00080102, vr: 'SH', value: scheme },
    { tag: 0x00080104, vr: 'LO', value: meaning },
  ];
}

/** SNOMED CT "Anatomical Structure" and "Tissue": the generic codes for a segment the engine knows only by name. */
export const DEFAULT_CATEGORY = codeItem('123037004', 'SCT', 'Anatomical Structure');
export const DEFAULT_TYPE = codeItem('85756007', 'SCT', 'Tissue');

/**
 * A Segment Sequence item. From a template segment: its label, description, algorithm, tracking and coded
 * concepts, with the label and colour of `info` when those changed. Otherwise a MANUAL segment with generic codes.
 */
export function segmentItem(number: number, info: LabelInfo | undefined, template: DataSet | undefined): Item {
  const out: Item = [{ tag: 0x00620004, vr: 'US', value: number }];
  if (template) {
    out.push(...copyStrings(template, SEGMENT_STRINGS).filter((e) => !(info && e.tag === 0x00620005)));
    for (const seqTag of SEGMENT_CODE_SEQUENCES) {
      const codes = items(template, tag(seqTag)).map((it) => copyStrings(it, CODE_STRINGS));
      if (codes.length > 0) out.push({ tag: seqTag, vr: 'SQ', value: codes });
    }
  }
  const has = (t: number): boolean => out.some((e) => e.tag === t);
  if (info) out.push({ tag: 0x00620005, vr: 'LO', value: info.name.slice(0, 64) });
  else if (!has(0x00620005)) out.push({ tag: 0x00620005, vr: 'LO', value: `Segment ${number}` });
  if (!has(0x00620008)) out.push({ tag: 0x00620008, vr: 'CS', value: 'MANUAL' });
  if (!has(0x00620003)) out.push({ tag: 0x00620003, vr: 'SQ', value: [DEFAULT_CATEGORY] });
  if (!has(0x0062000f)) out.push({ tag: 0x0062000f, vr: 'SQ', value: [DEFAULT_TYPE] });
  const tplLab = template ? [0, 1, 2].map((i) => us(template, 'x0062000d', i)) : [];
  const lab = info?.rgb ? rgbToCielab(info.rgb) : tplLab.every((x) => x !== undefined) && tplLab.length === 3 ? (tplLab as number[]) : undefined;
  if (lab) out.push({ tag: 0x0062000d, vr: 'US', value: lab });
  return out;
}

/** Patient, study and frame-of-reference attributes, copied when present (type 2 ones always written). */
const FROM_SOURCE: [number, VR, boolean][] = [
  [0x00100010, 'PN', true], // Patient's Name
  [0x00100020, 'LO', true], // Patient ID
  [0x00100030, 'DA', true], // Patient's Birth Date
  [0x00100040, 'CS', true], // Patient's Sex
  [0x00101010, 'AS', false], // Patient's Age
  [0x0020000d, 'UI', true], // Study Instance UID
  [0x00080020, 'DA', true], // Study Date
  [0x00080030, 'TM', true], // Study Time
  [0x00080090, 'PN', true], // Referring Physician's Name
  [0x00200010, 'SH', true], // Study ID
  [0x00080050, 'SH', true], // Accession Number
  [0x00081030, 'LO', false], // Study Description
  [0x00200052, 'UI', true], // Frame of Reference UID
  [0x00201040, 'LO', true], // Position Reference Indicator
];

export function sourceAttributes(source: DataSet): Elem[] {
  const out: Elem[] = [];
  for (const [t, vr, type2] of FROM_SOURCE) {
    const v = str(source, tag(t));
    if (v !== undefined) out.push({ tag: t, vr, value: v });
    else if (type2) out.push({ tag: t, vr, value: '' });
  }
  return out;
}

/** Series and content attributes a corrected SEG keeps from the SEG it replaces. */
export function templateSeriesAttributes(tpl: DataSet | undefined): Map<number, Elem> {
  const out = new Map<number, Elem>();
  if (!tpl) return out;
  for (const [t, vr] of [
    [0x0020000e, 'UI'], [0x00200011, 'IS'], [0x0008103e, 'LO'], [0x00700080, 'CS'], [0x00700081, 'LO'], [0x00700084, 'PN'],
  ] as [number, VR][]) {
    const v = str(tpl, tag(t));
    if (v !== undefined) out.set(t, { tag: t, vr, value: v });
  }
  return out;
}
