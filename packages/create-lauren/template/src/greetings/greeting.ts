import { z } from "zod";

/** What `POST /greetings` accepts; anything else is answered with a 422 before the handler runs. */
export const GreetingBody = z.object({
  name: z.string().trim().min(1).max(100),
});
