import type { Scope } from "../di/providers.js";
import type { Class } from "../di/token.js";
import { metaFrom } from "../metadata/index.js";
import type { OpenApiTag, SecurityDeclaration } from "../openapi/types.js";
import { CONTROLLER } from "./kinds.js";
import { assertCalled, type DecoratorMisuse } from "./usage.js";

export interface ControllerOptions {
  /** OpenAPI tags for every route of the controller; an object also describes the tag. */
  tags?: readonly (string | OpenApiTag)[];
  /** Marks every route of the controller deprecated in OpenAPI. */
  deprecated?: boolean;
  /** Security every route of the controller requires (see the route option). */
  security?: SecurityDeclaration;
  /** `false` turns session handling off for every route of the controller. */
  sessions?: boolean;
  /** `false` skips cross-origin request protection for every route of the controller. */
  crossOrigin?: boolean;
  /**
   * `Scope.REQUEST`: a new instance for every request, which may inject request-scoped
   * providers; its `@preDestruct` runs after the response. Default: one instance for the app.
   */
  scope?: Scope;
}

export interface ControllerMeta {
  prefix: string;
  options: ControllerOptions;
}

/** Declares an HTTP controller; it is built once, at start-up, by the container (or per request with `scope`). */
export function controller(
  target: Class<unknown>,
  context: ClassDecoratorContext,
): DecoratorMisuse<'@controller needs parentheses: write @controller("/prefix")'>;
export function controller(prefix?: string, options?: ControllerOptions): (target: Class<unknown>, context: ClassDecoratorContext) => void;
export function controller(prefix: string | Class<unknown> = "", options: ControllerOptions | ClassDecoratorContext = {}): unknown {
  assertCalled("controller", prefix, options, '@controller("/heroes")');
  return (_target: Class<unknown>, context: ClassDecoratorContext): void => {
    metaFrom(context.metadata).kinds.set(CONTROLLER, {
      prefix: prefix as string,
      options: options as ControllerOptions,
    } satisfies ControllerMeta);
  };
}
