/** The MIME type alone ("application/json; charset=UTF-8" -> "application/json"); missing = application/json. */
export function mediaTypeOf(header: string | undefined): string {
  const type = (header ?? "").split(";")[0].trim().toLowerCase();
  return type === "" ? "application/json" : type;
}

/** Template keyed by the media type, matched case-insensitively. */
export function findTemplate(
  templates: Record<string, string>,
  mediaType: string,
): { contentType: string; template: string } | undefined {
  const key = Object.keys(templates).find((candidate) => candidate.toLowerCase() === mediaType);
  return key === undefined ? undefined : { contentType: key, template: templates[key] };
}

/** Response template for the first media type in Accept, else the first template defined. */
export function selectTemplate(
  templates: Record<string, string>,
  accept: string | undefined,
): { contentType: string; template: string } | undefined {
  const first = mediaTypeOf((accept ?? "").split(",")[0]);
  const matched = findTemplate(templates, first);
  if (matched) return matched;
  const [contentType] = Object.keys(templates);
  return contentType === undefined ? undefined : { contentType, template: templates[contentType] };
}
