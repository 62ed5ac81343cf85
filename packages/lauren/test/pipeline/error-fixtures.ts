/** Errors and exception handlers shared by the HTTP and WebSocket exception handler tests. */
import { injectable, NotFoundError, onError, reply } from "../../src/index.js";

export class DomainError extends Error {}
export class MissingHero extends DomainError {
  constructor(readonly id: number) {
    super(`hero ${id} is missing`);
  }
}
export class Overheated extends DomainError {}

@injectable()
export class Wording {
  missing(id: number): string {
    return `no hero ${id} on the roster`;
  }
}

/** For the nearest level (a route or a message handler): beats a farther level's more specific class. */
export const handlerDomain = onError(DomainError, () => reply({ level: "handler-domain" }, { status: 409 }));
export const appDomain = onError(DomainError, () => reply({ level: "app-domain" }, { status: 400 }));
export const appAny = onError(Error, () => reply({ level: "app-any" }, { status: 503 }));
export const rethrowOverheated = onError(Overheated, (error) => {
  throw error;
});
export const overheatedAsNotFound = onError(Overheated, () => new NotFoundError("mapped", { why: "overheated" }));
