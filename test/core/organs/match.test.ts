import { describe, expect, it } from 'vitest';
import { SentinelError } from '../../../src/core/errors';
import {
  configureOrganResources,
  createOrganMatcher,
  getEmbedding,
  loadMappingTable,
  loadOrganCatalog,
  matchOrgan,
  normaliseOrganName,
} from '../../../src/core/organs';
import { RESOURCES } from './paths';

const catalog = loadOrganCatalog(RESOURCES);
const table = loadMappingTable(catalog, RESOURCES);
const idOf = (name: string): number => catalog.organs.findIndex((o) => o.name === name);

describe('normaliseOrganName', () => {
  it('folds case, separators and file extensions', () => {
    expect(normaliseOrganName('Kidney_Left.nii.gz')).toBe('kidney left');
    expect(normaliseOrganName('  urinary-bladder.nii ')).toBe('urinary bladder');
    expect(normaliseOrganName('Thoracic spine')).toBe('thoracic spine');
    expect(normaliseOrganName('prostate/uterus')).toBe('prostate uterus');
    expect(normaliseOrganName('vertebrae_L1')).toBe('vertebrae l1');
  });

  it('spells out a side abbreviation only at either end of a multi-word name', () => {
    expect(normaliseOrganName('kidney_L')).toBe('kidney left');
    expect(normaliseOrganName('R_kidney')).toBe('right kidney');
    expect(normaliseOrganName('vertebrae l 1')).toBe('vertebrae l 1');
    expect(normaliseOrganName('L')).toBe('l');
  });
});

describe('matchOrgan', () => {
  it('matches common spellings and synonyms', () => {
    const cases: [string, string][] = [
      ['gallbladder', 'gallbladder'],
      ['gall_bladder', 'gallbladder'],
      ['Gall Bladder', 'gallbladder'],
      ['urinary bladder', 'bladder'],
      ['bladder', 'bladder'],
      ['IVC', 'inferior vena cava'],
      ['inferior vena cava', 'inferior vena cava'],
      ['Liver', 'liver'],
      ['liver.nii.gz', 'liver'],
      ['Right Kidney', 'kidney right'],
      ['left adrenal gland', 'adrenal gland left'],
      ['adrenal_gland_R', 'adrenal gland right'],
      ['clavicula_left', 'clavicle left'],
      ['rib_right_12', 'costa 12 right'],
      ['costal_cartilages', 'rib_cartilage'],
      ['brachiocephalic_trunk', 'artery brachiocephalic'],
    ];
    for (const [name, dap] of cases) expect(matchOrgan(name), name).toMatchObject({ status: 'mapped', dapId: idOf(dap), dapName: dap });
  });

  it('matches a DAP Atlas name the table does not list (TotalSegmentator v1 heart chambers, thymus)', () => {
    expect(matchOrgan('heart_atrium_left')).toEqual({ status: 'mapped', dapId: idOf('heart atrium left'), dapName: 'heart atrium left', approximate: false });
    expect(matchOrgan('Thymus')).toMatchObject({ dapId: idOf('thymus') });
  });

  it('marks approximate matches with a note', () => {
    const m = matchOrgan('Heart');
    expect(m).toMatchObject({ status: 'mapped', dapId: idOf('heart'), approximate: true });
    expect(m.status === 'mapped' && m.note).toBeTruthy();
  });

  it('leaves non-matches unmapped with a reason', () => {
    for (const name of ['Thoracic spine', 'lung', 'background', 'Left to annotate', '', '.nii.gz']) {
      const m = matchOrgan(name);
      expect(m.status, name).toBe('unmapped');
      expect(m.status === 'unmapped' && m.reason.length, name).toBeGreaterThan(5);
    }
  });

  it('returns fresh objects', () => {
    const a = matchOrgan('liver');
    if (a.status === 'mapped') a.dapName = 'changed';
    expect(matchOrgan('liver')).toMatchObject({ dapName: 'liver' });
  });
});

describe('user mappings', () => {
  it('override the table, by DAP name, id or id as digits, in any spelling', () => {
    expect(matchOrgan('GTV_Mass', { gtv_mass: 'Liver' })).toEqual({
      status: 'mapped',
      dapId: idOf('liver'),
      dapName: 'liver',
      approximate: false,
      note: 'user mapping',
    });
    expect(matchOrgan('heart', { Heart: idOf('heart tissue') })).toMatchObject({ dapName: 'heart tissue', approximate: false });
    expect(matchOrgan('thyroid_gland', { thyroid_gland: String(idOf('thyroid left')) })).toMatchObject({ dapName: 'thyroid left' });
    expect(matchOrgan('kidney left', { 'left kidney': 'kidney right' })).toMatchObject({ dapName: 'kidney right' });
    // Names without a user mapping still use the table.
    expect(matchOrgan('urinary_bladder', { gtv_mass: 'liver' })).toMatchObject({ dapName: 'bladder' });
  });

  it('are validated: unknown names and ids, non-organs and clashes are invalid_argument', () => {
    const bad: Record<string, string | number>[] = [
      { x: 'urinary bladder' },
      { x: 145 },
      { x: -1 },
      { x: 2.5 },
      { x: 0 },
      { x: 'Background' },
      { x: 'left to annotate' },
      { '': 'liver' },
      { Liver: 'liver', liver_: 'spleen' },
    ];
    for (const m of bad) {
      let err: unknown;
      try {
        matchOrgan('liver', m);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(m)).toBeInstanceOf(SentinelError);
      expect((err as SentinelError).code).toBe('invalid_argument');
    }
    // Validated up front, not only when the name is looked up.
    expect(() => createOrganMatcher(catalog, table, { unused: 'nope' })).toThrowError(SentinelError);
  });
});

describe('module defaults', () => {
  it('configureOrganResources points the defaults at another dir and back', () => {
    configureOrganResources('/nonexistent-resources');
    try {
      expect(() => getEmbedding(13)).toThrowError(expect.objectContaining({ code: 'not_found' }));
    } finally {
      configureOrganResources(undefined);
    }
    expect(getEmbedding(13)).toEqual(catalog.getEmbedding(13));
  });
});

describe('lesion fallback (nearest generic embedding)', () => {
  const match = createOrganMatcher(catalog, table);

  it('a lesion named with its organ uses the organ, marked approximate', () => {
    expect(match('liver_tumor')).toMatchObject({ status: 'mapped', dapId: idOf('liver'), approximate: true });
    expect(match('Pancreatic lesion').status).toBe('unmapped'); // "pancreatic" is no organ name: not guessed
    expect(match('kidney_lesion_left')).toMatchObject({ status: 'mapped', dapId: idOf('kidney left'), approximate: true });
  });

  it('a bare lesion name (IBSI GTV_Mass) uses the generic soft-tissue embedding', () => {
    const m = match('GTV_Mass');
    expect(m).toMatchObject({ status: 'mapped', dapId: idOf('muscles'), approximate: true });
    expect(m.status === 'mapped' && m.note).toMatch(/generic/);
  });

  it('table rows and user mappings win over the fallback; organ names are untouched', () => {
    expect(match('kidney_cyst_left').status).toBe('unmapped');
    expect(match('liver')).toMatchObject({ approximate: false });
    const user = createOrganMatcher(catalog, table, { GTV_Mass: 'liver' });
    expect(user('GTV_Mass')).toMatchObject({ dapId: idOf('liver'), approximate: false });
    expect(match('nonsense_label').status).toBe('unmapped');
  });
});
