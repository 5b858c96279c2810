/**
 * An error the user can fix: a wrong name, flag, file or setting. Its message
 * says what is wrong and how to put it right. Front ends show it as it is
 * (the CLI exits with status 2).
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
