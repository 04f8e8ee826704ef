/** What matching a dataset's label name to a DAP Atlas organ gives (core/dataset stores it per label). */
export type OrganMatch =
  | {
      status: 'mapped';
      dapId: number;
      dapName: string;
      /** The DAP label differs in extent or meaning from the dataset's label; `note` says how. */
      approximate: boolean;
      note?: string;
    }
  | { status: 'unmapped'; reason: string };

/** A project's own mappings: dataset label name → DAP Atlas name or id. They override the shipped table. */
export type UserOrganMappings = Readonly<Record<string, string | number>>;
