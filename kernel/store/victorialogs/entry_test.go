package victorialogs

import "github.com/tidwall/gjson"

// gjsonString decodes a JSON string the way decodeEntry does.
func gjsonString(s string) string { return gjson.Parse(s).Str }
