/** Which tests the mutation run may use: see mutation-scope.mjs. */
export function mutationTestFiles(scope?: string): string[];
