/** The binary envelope: JSON-like values with typed arrays in one buffer, and back. */
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../src/shared/binary-envelope';

function ramp<T extends { length: number; [i: number]: number }>(a: T, scale = 1): T {
  for (let i = 0; i < a.length; i++) a[i] = (i * 37 + 11) % 251 * scale - 100 * Math.sign(scale);
  return a;
}

describe('binary envelope', () => {
  it('round-trips nested values with every array type, keeping types, lengths and contents', () => {
    const value = {
      ok: true,
      value: {
        caseId: 's0001',
        n: 3.5,
        nothing: null,
        list: [1, 'two', { three: [3] }],
        mask: ramp(new Uint8Array(7)), // odd length: the next array must still be aligned
        ct: ramp(new Int16Array(13), 17),
        f64: ramp(new Float64Array(5), 0.25),
        many: [ramp(new Int8Array(3)), ramp(new Uint16Array(9)), ramp(new Int32Array(4), 1000), ramp(new Uint32Array(2)), ramp(new Float32Array(6), 0.5), new Uint8ClampedArray([0, 255, 9])],
        empty: new Uint8Array(0),
      },
    };
    const bytes = encodeEnvelope(value);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const back = decodeEnvelope(bytes) as typeof value;
    expect(back).toEqual(value);
    expect(back.value.ct).toBeInstanceOf(Int16Array);
    expect(back.value.f64).toBeInstanceOf(Float64Array);
    expect(back.value.many[5]).toBeInstanceOf(Uint8ClampedArray);
    // Aligned arrays are views into the envelope, not copies.
    expect(back.value.ct.buffer).toBe(bytes.buffer);
    expect(back.value.f64.byteOffset % 8).toBe(0);
  });

  it('drops undefined fields as JSON does, and encodes a Buffer as bytes', () => {
    const back = decodeEnvelope(encodeEnvelope({ a: undefined, b: Buffer.from([1, 2, 3]) })) as Record<string, unknown>;
    expect('a' in back).toBe(false);
    expect(back.b).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.b as Uint8Array)).toEqual([1, 2, 3]);
  });

  it('decodes an envelope that sits at an odd offset (copies the arrays it cannot view)', () => {
    const inner = encodeEnvelope({ v: new Float32Array([1.5, -2, 3.25]) });
    const shifted = new Uint8Array(inner.length + 1);
    shifted.set(inner, 1);
    const back = decodeEnvelope(shifted.subarray(1)) as { v: Float32Array };
    expect(Array.from(back.v)).toEqual([1.5, -2, 3.25]);
  });

  it('a "__proto__" key from the wire stays a plain key', () => {
    const text = JSON.stringify({ value: JSON.parse('{"__proto__": {"polluted": 1}, "x": 1}'), arrays: [] });
    const head = new TextEncoder().encode(text);
    const bytes = new Uint8Array(12 + head.length);
    bytes.set([0x53, 0x4e, 0x54, 0x45]);
    new DataView(bytes.buffer).setUint32(4, 1, true);
    new DataView(bytes.buffer).setUint32(8, head.length, true);
    bytes.set(head, 12);
    const back = decodeEnvelope(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(back)).toContain('__proto__');
  });

  it('refuses what is not a well-formed envelope', () => {
    const good = encodeEnvelope({ m: new Uint8Array(100) });
    expect(() => decodeEnvelope(new TextEncoder().encode('{"arg":1}'))).toThrow(/bad magic/);
    expect(() => decodeEnvelope(good.subarray(0, good.length - 50))).toThrow(/runs past the end/);
    const wrongVersion = good.slice();
    new DataView(wrongVersion.buffer).setUint32(4, 9, true);
    expect(() => decodeEnvelope(wrongVersion)).toThrow(/version/);
    expect(() => encodeEnvelope({ '\u0000bin': 1 })).toThrow(/placeholder/);
    expect(() => encodeEnvelope({ d: new DataView(new ArrayBuffer(4)) })).toThrow(/DataView/);
  });
});
