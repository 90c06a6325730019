import type { Declaration } from './options';
import { BUILTIN_CATALOGS } from './builtin';
import { BUILTIN_PRESET_NAMES, type BuiltinPresetName } from './builtin.generated';

/** Every built-in preset name, from the built-in catalogs. */
export const PRESET_NAMES = BUILTIN_PRESET_NAMES;

/** The name of a built-in preset. */
export type PresetName = BuiltinPresetName;

/**
 * Named declarations of the example deployments, from the built-in catalogs' `presets`: the CLI's
 * `--preset`, and a starting point to copy. Each leaves every option at its default. A user's
 * catalog brings its own presets (a catalog set's `presets`).
 */
export const PRESETS: Readonly<Record<PresetName, Declaration>> = Object.fromEntries(
  BUILTIN_CATALOGS.flatMap((c) =>
    (c.definition.presets ?? []).map((p) => [p.name, p.declaration as unknown as Declaration]),
  ),
) as Record<PresetName, Declaration>;
