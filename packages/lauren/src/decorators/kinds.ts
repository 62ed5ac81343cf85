/** Keys under which each decorator records what it saw; read back by the compiler in app/. */
export const MODULE = Symbol("lauren.module");
export const CONTROLLER = Symbol("lauren.controller");
export const INJECTABLE = Symbol("lauren.injectable");
export const ROUTE = Symbol("lauren.route");
export const POST_CONSTRUCT = Symbol("lauren.postConstruct");
export const PRE_DESTRUCT = Symbol("lauren.preDestruct");
