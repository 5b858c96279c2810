/** The SBOM formats herowatch writes (apart from their writers, which load a library the rest of the CLI does not need). */
export const SBOM_FORMATS = ['cyclonedx', 'spdx'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];
