/**
 * vtk.js colour and opacity functions for the label maps. Labels are integers drawn with nearest interpolation, so
 * each label needs one point; value 0 is transparent. The caller owns (and deletes) what these return.
 */
import { vtkColorTransferFunction, vtkPiecewiseFunction } from './vtk';
import { contextColor, MASK_RGB } from './label-colors';

export interface LabelFunctions {
  color: vtkColorTransferFunction;
  opacity: vtkPiecewiseFunction;
  delete(): void;
}

function build(labels: number, colorOf: (value: number) => [number, number, number]): LabelFunctions {
  const color = vtkColorTransferFunction.newInstance();
  const opacity = vtkPiecewiseFunction.newInstance();
  color.addRGBPoint(0, 0, 0, 0);
  opacity.addPoint(0, 0);
  for (let v = 1; v <= labels; v++) {
    const [r, g, b] = colorOf(v);
    color.addRGBPoint(v, r, g, b);
    opacity.addPoint(v, 1);
  }
  return {
    color,
    opacity,
    delete() {
      color.delete();
      opacity.delete();
    },
  };
}

/** The edited mask: 0 transparent, 1 in the mask colour. */
export function maskFunctions(): LabelFunctions {
  return build(1, () => MASK_RGB);
}

/** The context map: label v (1..count) in its own colour. */
export function contextFunctions(count: number): LabelFunctions {
  return build(Math.max(1, count), contextColor);
}
