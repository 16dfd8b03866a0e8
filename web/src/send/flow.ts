/**
 * The order of the send (and reply) steps, one thing per page:
 * recipients → files and message → password → settings → check → send.
 * A reply skips the recipients (only the original sender) and the
 * settings. A step opened from "check your answers" returns there.
 */
import type { PageData } from "../config";
import { go, type Step } from "../ui/app";
import { filesStep, recipientsStep } from "./compose";
import type { Draft } from "./model";
import { passwordStep } from "./password";
import { checkStep, optionsStep } from "./review";

export type StepName = "recipients" | "files" | "password" | "options" | "check";

export interface Flow {
  data: PageData;
  draft: Draft;
  /** The first step after the sender is verified (or for a reply, the first). */
  afterVerify(): Step;
  /** Goes on from `after` to the next step. */
  next(after: StepName): void;
  /** The step called `name`. */
  step(name: StepName): Step;
}

/** A flow over `draft`. */
export function makeFlow(data: PageData, draft: Draft): Flow {
  const order: StepName[] = draft.kind === "send" ? ["recipients", "files", "password", "options", "check"] : ["files", "password", "check"];
  const flow: Flow = {
    data,
    draft,
    afterVerify: () => flow.step(order[0]!),
    next(after) {
      if (draft.fromCheck) {
        draft.fromCheck = false;
        go(flow.step("check"));
        return;
      }
      const i = order.indexOf(after);
      go(flow.step(order[Math.min(order.length - 1, i + 1)]!));
    },
    step(name) {
      switch (name) {
        case "recipients":
          return recipientsStep(flow);
        case "files":
          return filesStep(flow);
        case "password":
          return passwordStep(flow);
        case "options":
          return optionsStep(flow);
        case "check":
          return checkStep(flow);
      }
    },
  };
  return flow;
}
