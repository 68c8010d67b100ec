// Package kernel runs the cells of trailbook notebooks. A Session is one kernel: DQL
// cells run through package dql, `%%md` cells become Markdown, `%%js` cells go to a
// ScriptRunner; the session keeps the execution count, the results of earlier cells
// by name, the notebook's timeframe, the history, and cancels the running cell on
// interrupt.
//
// Sessions speak Jupyter messages (package kernel/protocol) but know no transport:
// kernel/ws (websocket) and the ZeroMQ kernel hand requests to Session.Handle and
// carry back what it sends. A Manager holds the sessions of a server.
//
// The package imports no net/http and no renderer: a Renderer given in Options turns
// results into MIME bundles (package renderers/bundle provides trailbook's), and the
// log Source is handed in too, so that the kernel runs over any exec.Source.
//
// A note on names: Jupyter Server also has "sessions" (a notebook path bound to a
// kernel, /api/sessions). Those live with the server; a kernel.Session is a kernel.
package kernel
