import { writeFile } from 'node:fs/promises'
import { generateOpenapiDocument, serializeOpenapi } from '../src/api/openapi-document.js'

/** Regenerates the committed OpenAPI document (a test fails when it drifts from the routes). */
export async function writeOpenapi(file = 'openapi/openapi.json'): Promise<void> {
  await writeFile(file, serializeOpenapi(await generateOpenapiDocument()))
  console.error(`wrote ${file}`)
}
