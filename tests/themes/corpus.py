"""Four clear topics, twelve ideas each, as participants might write them; and a few more for later."""

TOPICS: dict[str, list[str]] = {
    "gp": [
        "I can never get a GP appointment, the phone line is engaged at 8am every day.",
        "Waiting three weeks to see my GP is far too long.",
        "The surgery should let us book doctor appointments online.",
        "Getting through to the GP receptionist takes an hour on the phone.",
        "My GP practice has no appointments left by 8.05 in the morning.",
        "Booking a GP appointment feels like a daily lottery.",
        "We need more same-day appointments at the local GP surgery.",
        "The GP surgery phone queue is impossible for working people.",
        "I gave up trying to book a doctor's appointment and went to A&E instead.",
        "Seeing a GP face to face has become almost impossible.",
        "The practice should offer evening and weekend GP appointments.",
        "It took me five calls to get a GP appointment for my child.",
    ],
    "mental": [
        "Young people wait months for mental health support from CAMHS.",
        "There is nobody to call at night when I am in a mental health crisis.",
        "Talking therapy waiting lists are far too long.",
        "My anxiety got worse while I waited a year for counselling.",
        "We need a mental health crisis line that actually answers.",
        "Depression support should be available without a long wait.",
        "Counselling sessions stopped after six weeks and I was left alone with my depression.",
        "Mental health services should work with schools to help anxious teenagers.",
        "I was discharged from the community mental health team too soon.",
        "Mental health crisis teams need more staff at weekends.",
        "Therapy for anxiety and depression should be offered much sooner.",
        "People in a mental health crisis end up waiting in A&E for hours.",
    ],
    "carers": [
        "Unpaid carers need a proper break from caring for their relatives.",
        "As a carer for my mum I never get respite care.",
        "Carers should get paid for the hours they spend looking after family.",
        "Nobody asked me, the carer, how I was coping with looking after my husband.",
        "Respite care for family carers is impossible to arrange.",
        "Young carers looking after a parent need support at school.",
        "Carers allowance is far too low for the caring we do.",
        "The council should give carers a break with respite services.",
        "I care for my disabled son around the clock and get no help.",
        "Family carers burn out because there is no respite.",
        "Carers need training and support to look after relatives at home.",
        "Caring for my father with dementia has left me exhausted and alone.",
    ],
    "transport": [
        "The bus to the hospital only runs once an hour.",
        "Hospital car parking charges are far too expensive for patients.",
        "There is no step-free route from the station to the hospital.",
        "Patient transport vans to the hospital never arrive on time.",
        "I spend two hours on three buses to reach the hospital.",
        "Parking at the hospital costs more than my prescription.",
        "Free transport to hospital should be offered to older patients.",
        "The hospital shuttle bus was cut and now I have to walk from the station.",
        "Wheelchair users struggle with buses to the hospital.",
        "The hospital car park is full every morning and there is nowhere to park.",
        "Cheaper parking for patients and visitors at the hospital please.",
        "Community transport to hospital clinics needs more drivers.",
    ],
}

MORE: dict[str, list[str]] = {
    "gp": [
        "Please give us a GP appointment without ringing at 8am.",
        "My GP surgery needs more doctors so we can get appointments.",
    ],
    "mental": [
        "Mental health therapy waiting times are making people worse.",
        "Crisis support for mental health must be available at night.",
    ],
    "carers": [
        "Family carers need respite breaks and someone to talk to.",
        "Carers looking after relatives deserve more support from the council.",
    ],
    "transport": [
        "Getting to hospital by bus takes far too long.",
        "Hospital parking fees should be scrapped for patients.",
    ],
}
