/**
 * Runs a list of middleware as an onion, in the manner of Hono's and Koa's compose: a
 * dispatch index guards against `next()` being called twice, and the innermost step is the
 * rest of the pipeline. Built once per list at start-up; per request it costs one closure
 * per layer, and a layer that returns `next()`'s promise as it is adds no promise of its own.
 */
import { HttpResponse } from "../http/reply.js";
import type { Exchange } from "./context.js";
import type { CompiledMiddleware } from "./middleware.js";
import type { ResponseView } from "./response.js";

/** A middleware broke the onion: called `next()` twice, or neither answered nor called it. */
export class MiddlewareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MiddlewareError";
  }
}

export type Chain = (ex: Exchange, inner: () => Promise<unknown>) => Promise<ResponseView>;

export function compose(layers: readonly CompiledMiddleware[]): Chain {
  const count = layers.length;
  return (ex, inner) => {
    let index = -1;
    const dispatch = (i: number): Promise<ResponseView> => {
      if (i <= index) return Promise.reject(new MiddlewareError(`${(layers[i - 1] as CompiledMiddleware).name} called next() twice`));
      index = i;
      if (i === count) return inner().then(() => ex.response);
      const layer = layers[i] as CompiledMiddleware;
      let downstream: Promise<ResponseView> | null = null;
      const next = (): Promise<ResponseView> => {
        downstream = dispatch(i + 1);
        return downstream;
      };
      let out: unknown;
      try {
        out = layer.fn(ex, next);
      } catch (error) {
        return Promise.reject(error);
      }
      if (out !== null && out === downstream) return out as Promise<ResponseView>;
      return Promise.resolve(out).then((value) => settle(ex, layer, value, downstream !== null));
    };
    return dispatch(0);
  };
}

async function settle(ex: Exchange, layer: CompiledMiddleware, value: unknown, calledNext: boolean): Promise<ResponseView> {
  if (value instanceof HttpResponse) {
    if (ex.response.committed) throw new MiddlewareError(`${layer.name} returned a response after the response had started streaming`);
    ex.response.discard();
    await value.writeTo(ex.response.res, null, ex.env);
  } else if (!calledNext && !ex.response.answered) {
    throw new MiddlewareError(`${layer.name} neither called next() nor returned a response`);
  }
  return ex.response;
}
