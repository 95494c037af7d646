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
		card    Card
		holder  string
		waiting bool
	}{
		{Card{Status: StatusHandoff}, "", true},
		{Card{Status: StatusHandoff, Assignee: "Thandi", AssigneeID: "U1"}, "U1", false},
		{Card{Status: StatusHandoff, Assignee: "Thandi"}, "Thandi", false},
		{Card{Status: StatusAwaitingConfirmation}, "", false},
		{Card{Status: StatusActive}, "", false},
	}
	for _, tc := range tests {
		if got := tc.card.Holder(); got != tc.holder {
			t.Errorf("%+v: holder %q, want %q", tc.card, got, tc.holder)
		}
		if got := tc.card.Waiting(); got != tc.waiting {
			t.Errorf("%+v: waiting %v, want %v", tc.card, got, tc.waiting)
		}
	}
}
