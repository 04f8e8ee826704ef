/**
 * The shipped table, checked by name: every row's DAP target must exist and must be the same structure as the
 * dataset's name says (shared key words, same side, same number) unless a reviewer listed the pair below.
 * A new row that points at the wrong organ (as upstream's urinary_bladder → prostate did) fails here.
 */
import { describe, expect, it } from 'vitest';
import {
  NON_ORGAN_IDS,
  createOrganMatcher,
  loadMappingTable,
  loadOrganCatalog,
  normaliseOrganName,
  parseMappingTable,
  wordOrderKey,
  type OrganMatch,
} from '../../../src/core/organs';
import { HAVE_SHARED, RESOURCES, readDapCsv, readTotalSegmentatorNames } from './paths';

const catalog = loadOrganCatalog(RESOURCES);
const table = loadMappingTable(catalog, RESOURCES);
const match = createOrganMatcher(catalog, table);

/** Reviewed: mappings whose DAP label differs in extent or meaning (normalised dataset name → DAP name). */
const REVIEWED_APPROXIMATE: Record<string, string> = {
  'spinal cord': 'spinal canal',
  // The same structure, but the name is not DAP's: marked approximate so users see the mapping was a judgement.
  'costal cartilages': 'rib_cartilage',
  'costal cartilage': 'rib_cartilage',
  heart: 'heart',
  sternum: 'sternum',
  intestine: 'small bowel',
};

/** Reviewed: exact synonyms that share no word with the DAP name. */
const REVIEWED_SYNONYMS: Record<string, string> = {
  ivc: 'inferior vena cava',
  postcava: 'inferior vena cava',
  'brachiocephalic trunk': 'artery brachiocephalic',
};

/** Reviewed word equivalences (Latin/English, spelling); both names are rewritten with them before comparing. */
const WORD_CANON: Record<string, string> = {
  rib: 'costa',
  costal: 'costa',
  clavicula: 'clavicle',
  oesophagus: 'esophagus',
  bronchi: 'bronchie',
  intestine: 'bowel',
};
const STOP_WORDS = new Set(['and', 'of', 'the']);
const SIDES = new Set(['left', 'right']);

function words(name: string): Set<string> {
  return new Set(
    normaliseOrganName(name)
      .split(' ')
      .filter((w) => !STOP_WORDS.has(w))
      .map((w) => WORD_CANON[w] ?? w)
      .map((w) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w)),
  );
}

const subset = (a: Set<string>, b: Set<string>): boolean => [...a].every((w) => b.has(w));
const pick = (s: Set<string>, keep: (w: string) => boolean): string => [...s].filter(keep).sort().join(' ');

/** Same structure by name: one name's words contain the other's, and side and number/level agree. */
function namesAgree(datasetName: string, dapName: string): boolean {
  const compact = (s: string): string => normaliseOrganName(s).replace(/ /g, '');
  if (compact(datasetName) === compact(dapName)) return true;
  const a = words(datasetName);
  const b = words(dapName);
  if (pick(a, (w) => SIDES.has(w)) !== pick(b, (w) => SIDES.has(w))) return false;
  if (pick(a, (w) => /\d/.test(w)) !== pick(b, (w) => /\d/.test(w))) return false;
  return subset(a, b) || subset(b, a);
}

const mappedRows = table.rows.filter((r) => r.match.status === 'mapped');

describe('mapping table rows', () => {
  it('every mapped name shares its key words with the DAP name, or is a reviewed synonym or approximation', () => {
    const failures: string[] = [];
    for (const row of mappedRows) {
      const m = row.match as Extract<OrganMatch, { status: 'mapped' }>;
      for (const name of row.names) {
        const key = normaliseOrganName(name);
        if (m.approximate) {
          if (REVIEWED_APPROXIMATE[key] !== m.dapName) failures.push(`${name} → ${m.dapName}: approximate but not reviewed`);
        } else if (REVIEWED_SYNONYMS[key] !== m.dapName && !namesAgree(name, m.dapName)) {
          failures.push(`${name} → ${m.dapName}: names disagree`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('the reviewed approximations are exactly the rows marked approximate, each with a note', () => {
    for (const [name, dap] of Object.entries(REVIEWED_APPROXIMATE)) {
      const m = table.byKey.get(name);
      expect(m, name).toMatchObject({ status: 'mapped', dapName: dap, approximate: true });
      expect(m?.status === 'mapped' && m.note ? m.note.length : 0, name).toBeGreaterThan(10);
    }
  });

  it('the key-word check catches wrong targets of the kind upstream had', () => {
    expect(namesAgree('urinary_bladder', 'prostate')).toBe(false);
    expect(namesAgree('lung_upper_lobe_left', 'lung lower lobe left')).toBe(false);
    expect(namesAgree('kidney_left', 'kidney right')).toBe(false);
    expect(namesAgree('rib_left_3', 'costa 4 left')).toBe(false);
    expect(namesAgree('vertebrae_T1', 'vertebrae T11')).toBe(false);
    expect(namesAgree('pulmonary_vein', 'pulmonary artery')).toBe(false);
    expect(namesAgree('gluteus_maximus_left', 'gluteus medius left')).toBe(false);
  });

  it('every mapped target is a DAP organ, never Background or Left to annotate', () => {
    for (const row of mappedRows) {
      const m = row.match as Extract<OrganMatch, { status: 'mapped' }>;
      expect(catalog.organs[m.dapId].name).toBe(m.dapName);
      expect(NON_ORGAN_IDS.has(m.dapId)).toBe(false);
    }
  });

  it.skipIf(!HAVE_SHARED)('every mapped target is named in the upstream CSV with that id', () => {
    const dap = readDapCsv();
    for (const row of mappedRows) {
      const m = row.match as Extract<OrganMatch, { status: 'mapped' }>;
      expect(dap[m.dapId]).toBe(m.dapName);
    }
  });

  it('unmapped rows give a reason', () => {
    for (const row of table.rows) {
      if (row.match.status === 'unmapped') expect(row.match.reason.length, row.names.join()).toBeGreaterThan(5);
    }
  });

  it('no word-order key is shared by two different outcomes (the fallback never has to choose)', () => {
    const seen = new Map<string, string>();
    const outcome = (m: OrganMatch): string => (m.status === 'mapped' ? `${m.dapId}` : `unmapped: ${m.reason}`);
    const keys: [string, string][] = [...table.byKey].map(([k, m]) => [k, outcome(m)]);
    for (const o of catalog.organs) {
      const k = normaliseOrganName(o.name);
      if (!NON_ORGAN_IDS.has(o.id) && !table.byKey.has(k)) keys.push([k, `${o.id}`]);
    }
    for (const [k, out] of keys) {
      const w = wordOrderKey(k);
      const prev = seen.get(w);
      if (prev !== undefined) expect(prev, `${k} shares "${w}"`).toBe(out);
      seen.set(w, out);
    }
  });
});

describe.skipIf(!HAVE_SHARED)('TotalSegmentator v2 `total` names', () => {
  const names = HAVE_SHARED ? readTotalSegmentatorNames() : [];
  const dap = HAVE_SHARED ? readDapCsv() : [];
  const dapId = (name: string): number => dap.indexOf(name);

  it('all 117 have a table row (mapped, or unmapped with a reason)', () => {
    expect(names).toHaveLength(117);
    const missing = names.filter((n) => !table.byKey.has(normaliseOrganName(n)));
    expect(missing).toEqual([]);
    for (const n of names) expect(match(n)).toEqual(table.byKey.get(normaliseOrganName(n)));
  });

  it('urinary_bladder is the bladder, not the prostate', () => {
    const m = match('urinary_bladder');
    expect(m).toMatchObject({ status: 'mapped', dapId: dapId('bladder'), dapName: 'bladder', approximate: false });
    expect(m.status === 'mapped' && m.dapId).not.toBe(dapId('prostate'));
    expect(match('prostate')).toMatchObject({ dapId: dapId('prostate') });
  });

  it('lung lobes, vertebrae and ribs map one to one, with their own side and number', () => {
    let checked = 0;
    for (const n of names) {
      const lobe = /^lung_(upper|middle|lower)_lobe_(left|right)$/.exec(n);
      const vert = /^vertebrae_([CTL]\d+)$/.exec(n);
      const rib = /^rib_(left|right)_(\d+)$/.exec(n);
      let want: string | undefined;
      if (lobe) want = `lung ${lobe[1]} lobe ${lobe[2]}`;
      if (vert) want = `vertebrae ${vert[1]}`;
      if (rib) want = `costa ${rib[2]} ${rib[1]}`;
      if (!want) continue;
      checked++;
      expect(match(n), n).toMatchObject({ status: 'mapped', dapId: dapId(want), dapName: want, approximate: false });
    }
    expect(checked).toBe(5 + 24 + 24);
  });

  it('labels without a DAP counterpart are unmapped, not guessed', () => {
    for (const n of ['thyroid_gland', 'kidney_cyst_left', 'kidney_cyst_right', 'vertebrae_S1', 'pulmonary_vein', 'atrial_appendage_left', 'superior_vena_cava']) {
      expect(names).toContain(n);
      expect(match(n).status, n).toBe('unmapped');
    }
  });

  it('spinal_cord goes to the spinal canal, marked approximate', () => {
    expect(match('spinal_cord')).toMatchObject({ status: 'mapped', dapId: dapId('spinal canal'), approximate: true });
  });
});

describe('AbdomenAtlas 1.1 names', () => {
  const names = [
    'aorta', 'gall_bladder', 'kidney_left', 'kidney_right', 'liver', 'pancreas', 'postcava', 'spleen', 'stomach',
    'adrenal_gland_left', 'adrenal_gland_right', 'bladder', 'celiac_trunk', 'colon', 'duodenum', 'esophagus',
    'femur_left', 'femur_right', 'hepatic_vessel', 'intestine', 'lung_left', 'lung_right',
    'portal_vein_and_splenic_vein', 'prostate', 'rectum',
  ];

  it('all 25 have a table row', () => {
    expect(names).toHaveLength(25);
    expect(names.filter((n) => !table.byKey.has(normaliseOrganName(n)))).toEqual([]);
  });

  it('whole lungs and hepatic vessels are unmapped; postcava is the IVC', () => {
    expect(match('lung_left').status).toBe('unmapped');
    expect(match('lung_right').status).toBe('unmapped');
    expect(match('hepatic_vessel').status).toBe('unmapped');
    expect(match('postcava')).toMatchObject({ dapName: 'inferior vena cava', approximate: false });
    expect(match('bladder')).toMatchObject({ dapName: 'bladder' });
  });
});

describe('table validation', () => {
  const file = 'test-mappings.json';
  const code = (json: unknown): string => {
    try {
      parseMappingTable(json, catalog, file);
      return 'ok';
    } catch (err) {
      return (err as { code: string }).code;
    }
  };

  it('rejects unknown DAP names, non-organ targets, duplicates and unexplained approximations', () => {
    expect(code({ entries: [{ names: ['x'], dap: 'liver' }] })).toBe('ok');
    expect(code({ entries: [{ names: ['x'], dap: 'urinary bladder' }] })).toBe('corrupt');
    expect(code({ entries: [{ names: ['x'], dap: 'Background' }] })).toBe('corrupt');
    expect(code({ entries: [{ names: ['x'], dap: 'liver' }, { names: ['X '], unmapped: 'no' }] })).toBe('corrupt');
    expect(code({ entries: [{ names: ['x'], dap: 'liver', approximate: true }] })).toBe('corrupt');
    expect(code({ entries: [{ names: ['x'], dap: 'liver', unmapped: 'why' }] })).toBe('corrupt');
    expect(code({ entries: [{ names: [], dap: 'liver' }] })).toBe('corrupt');
    expect(code({})).toBe('corrupt');
  });
});
