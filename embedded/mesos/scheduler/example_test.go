package scheduler_test

import (
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

func ExampleDecodeCall() {
	c, err := scheduler.DecodeCall([]byte(`{"framework_id":{"value":"fw-1"},"type":"DECLINE",
		"decline":{"offer_ids":[{"value":"o-1"},{"value":""}]}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Validate())
	fmt.Println(c.Decline.Filters.GetRefuseSeconds())
	// Output:
	// scheduler: call DECLINE: decline.offer_ids[1]: empty value
	// 5
}

func ExampleDescribeEvent() {
	e, _ := scheduler.DecodeEvent([]byte(`{"type":"UPDATE","update":{"status":{"task_id":{"value":"t-1"},
		"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR","agent_id":{"value":"a-1"},"uuid":"hTaLQ0b5Q1OZuab7QclTKQ=="}}}`))
	fmt.Println(scheduler.DescribeEvent(e))
	// Output:
	// UPDATE task t-1 TASK_RUNNING (SOURCE_EXECUTOR) agent a-1
}
