/** asl-validator ships no type declarations; this is the part Airlock uses (module.exports = validator). */
declare module 'asl-validator' {
  interface ValidationResult {
    isValid: boolean;
    errors: { message: string; path?: string }[];
    errorsText(separator?: string): string;
  }
  function validator(
    definition: object,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): ValidationResult;
  export = validator;
}
