import { javaMatches, javaReplaceAll, javaReplaceFirst, javaSplit } from "./java-regex";
import { formatTemplateValue } from "./vtl-value-format";

type Call = { property: string; context: unknown; params: unknown[] };
/** velocityjs `customMethodHandlers` entry (checked before native methods). */
type MethodHandler = { uid: string; match: (call: Call) => boolean; resolve: (call: Call) => unknown };

/** java.lang.String methods whose JS namesake is missing or behaves differently. */
const stringMethods: Record<string, (self: string, params: unknown[]) => unknown> = {
  replaceAll: (self, [regex, replacement]) => javaReplaceAll(self, String(regex), String(replacement)),
  replaceFirst: (self, [regex, replacement]) => javaReplaceFirst(self, String(regex), String(replacement)),
  replace: (self, [target, replacement]) => self.split(String(target)).join(String(replacement)),
  matches: (self, [regex]) => javaMatches(self, String(regex)),
  split: (self, [regex]) => javaSplit(self, String(regex)),
  length: (self) => self.length,
  contains: (self, [part]) => self.includes(formatTemplateValue(part)),
  equals: (self, [other]) => typeof other === "string" && self === other,
  equalsIgnoreCase: (self, [other]) =>
    typeof other === "string" && self.toLowerCase() === other.toLowerCase(),
  isEmpty: (self) => self.length === 0,
  toString: (self: string) => self,
};

/** java.util.List / java.util.Map methods velocityjs does not already provide. */
const collectionMethods: Record<string, (self: object, params: unknown[]) => unknown> = {
  isEmpty: (self) => (Array.isArray(self) ? self.length === 0 : Object.keys(self).length === 0),
  contains: (self, [item]) => Array.isArray(self) && self.includes(item),
  containsKey: (self, [key]) => !Array.isArray(self) && Object.hasOwn(self, String(key)),
  values: (self) => (Array.isArray(self) ? self : Object.values(self)),
  toString: (self: object) => formatTemplateValue(self),
};

export const javaMethodHandlers: MethodHandler[] = [
  {
    uid: "java: String",
    match: ({ property, context }: Call) =>
      typeof context === "string" && Object.hasOwn(stringMethods, property),
    resolve: ({ property, context, params }: Call) => stringMethods[property](context as string, params),
  },
  {
    uid: "java: foreach.hasNext()",
    match: ({ property, context }: Call) =>
      property === "hasNext" &&
      typeof context === "object" &&
      context !== null &&
      typeof (context as { hasNext?: unknown }).hasNext === "boolean",
    resolve: ({ context }: Call) => (context as { hasNext: boolean }).hasNext,
  },
  {
    uid: "java: List/Map",
    match: ({ property, context }: Call) =>
      typeof context === "object" &&
      context !== null &&
      Object.hasOwn(collectionMethods, property) &&
      !(
        Object.hasOwn(context, property) &&
        typeof (context as Record<string, unknown>)[property] === "function"
      ),
    resolve: ({ property, context, params }: Call) => collectionMethods[property](context as object, params),
  },
];
