// Package templates holds trailbook's investigation templates: parameterized
// notebooks for the questions CloudTrail investigators ask most. A template is an
// .ipynb whose metadata.trailbook declares a Meta (name, title, description, ATT&CK
// tags, the events it reads) and its parameters (kernel/params); its DQL cells refer to
// parameters as $name. Apply sets the parameters of a notebook, as typed DQL values.
package templates
