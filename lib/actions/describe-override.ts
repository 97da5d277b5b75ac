import "server-only";

import { z } from "zod";

import { processorField } from "@/lib/breakers/schemas";
import { overrideConsequence } from "@/lib/completeness/deployment";
import { getDeployment } from "@/lib/data/deployment";

import { defineAction } from "./authorized-action";

/**
 * What an override of a processor's breaker really does in the deployment in force (its breaker
 * reader): the sentence the override form shows before the operator applies it. Reads only
 * configuration; operators only, like the form that asks.
 */
export const describeOverride = defineAction({
  name: "describe_override",
  permission: "override",
  input: z.object({ processor: processorField }).strict(),
  run: async (input) => {
    const { reader, pipelineName } = getDeployment()[input.processor];
    return { ok: true as const, replay: false, data: { processor: input.processor, reader, pipelineName, consequence: overrideConsequence(reader) } };
  },
});
