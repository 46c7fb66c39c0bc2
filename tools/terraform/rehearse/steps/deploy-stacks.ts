import { ACCOUNT_SETUP_STACK_NAME } from "../../../../stacks/account-setup-stack";
import type { RehearsalStep } from "../context";
import { deployStack } from "../deploy-stack";
import { liftBlockingResources } from "../gaps";
import { createStateBucket } from "../state-bucket";

/**
 * Every stack in order, account-setup first. Without a working account-setup the state bucket is made
 * directly, so the application stacks are still rehearsed (the failure stays recorded).
 */
export const deployStacks: RehearsalStep = {
  name: "deploy stacks",
  async run(context) {
    if (!context.stacks.some((s) => s.name === ACCOUNT_SETUP_STACK_NAME)) {
      context.bucketMadeHere = await createStateBucket(
        context,
        `no ${ACCOUNT_SETUP_STACK_NAME} stack on this branch`,
      );
    } else {
      context.report.stateBucket.createdBy = ACCOUNT_SETUP_STACK_NAME;
    }
    for (const stack of context.stacks) {
      const deployed = await deployStack(context, stack);
      context.deployed.push(deployed);
      const { result } = deployed;
      if (result.applied) await liftBlockingResources(context, stack, result);
      if (!result.applied && stack.name === ACCOUNT_SETUP_STACK_NAME) {
        context.bucketMadeHere = await createStateBucket(
          context,
          `${ACCOUNT_SETUP_STACK_NAME} failed to apply`,
        );
      }
    }
  },
};
