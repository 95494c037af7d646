package conversation

import "testing"

func TestDeliveryNeverGoesBack(t *testing.T) {
	order := []Delivery{DeliveryAccepted, DeliverySent, DeliveryFailed, DeliveryDelivered, DeliveryRead}
	for i := 1; i < len(order); i++ {
		if order[i-1].Rank() >= order[i].Rank() {
			t.Errorf("%s ranks %d, not below %s (%d)", order[i-1], order[i-1].Rank(), order[i], order[i].Rank())
		}
	}
	if Delivery("played").Known() || Delivery("").Known() || !DeliveryRead.Known() {
		t.Error("Known")
	}
}

func TestCardHolder(t *testing.T) {
	tests := []struct {
		card   Card
		holder string
	}{
		{Card{Status: StatusHandoff}, ""},
		{Card{Status: StatusHandoff, Assignee: "Thandi", AssigneeID: "U1"}, "U1"},
		{Card{Status: StatusHandoff, Assignee: "Thandi"}, "Thandi"},
	}
	for _, tc := range tests {
		if got := tc.card.Holder(); got != tc.holder {
			t.Errorf("%+v: holder %q, want %q", tc.card, got, tc.holder)
		}
	}
}
