import { join } from 'node:path';
import { readCatalogFile, type Declaration } from '../../lib/model';

/**
 * The example catalog of a real vendor table (examples/catalogs/configmgr.yaml: Microsoft
 * Configuration Manager's "Ports used in Configuration Manager"), and its preset: ranges, both-ways
 * flows, a broadcast and an option set per group.
 */
export const CONFIGMGR_CATALOG = readCatalogFile(join(__dirname, '../../examples/catalogs/configmgr.yaml'));

/** The catalog's `configmgr` preset. */
export const CONFIGMGR_DECLARATION = CONFIGMGR_CATALOG.definition.presets![0].declaration as unknown as Declaration;
