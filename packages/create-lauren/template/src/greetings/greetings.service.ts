import { injectable } from "lauren";

/** The app's logic lives in services; controllers only translate HTTP to calls. */
@injectable()
export class GreetingService {
  private count = 0;

  greet(name: string): { greeting: string; number: number } {
    this.count += 1;
    return { greeting: `Hello, ${name}!`, number: this.count };
  }
}
